import type {
  V1Container,
  V1Pod,
  V1ServiceAccountTokenProjection,
  V1Volume,
} from '@kubernetes/client-node';
import { planMounts } from '../../support/testbed/node-agent/mount-plan.js';
import { containerRefs, volumeRefs } from '../../support/testbed/node-agent/object-refs.js';
import {
  checkVolumesSupported,
  planVolumes,
  tokenKey,
  type PlannedVolume,
  type VolumeLookups,
} from '../../support/testbed/node-agent/volume-plan.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const lookups: VolumeLookups = {
  secret: (n) =>
    n === 'tls' ? { data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY') } } : undefined,
  configMap: (n) => (n === 'kube-root-ca.crt' ? { data: { 'ca.crt': 'CA' } } : undefined),
  token: (s) => (s.audience === 'refused' ? undefined : `token-for-${s.audience ?? 'api'}`),
};
const placement = { nodeName: 'bed-node', podIP: '127.0.0.1', hostIP: '127.0.0.1' };
const podWith = (volumes: V1Volume[], containers: V1Container[] = [{ name: 'c' }]): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { b: '2', a: '1' } },
  spec: { containers, volumes },
});
const files = (v: PlannedVolume | undefined) =>
  v?.kind === 'files' ? v.files.map((f) => [f.path, f.data.toString(), f.mode.toString(8)]) : v;

describe('planVolumes', () => {
  it.each([
    [
      'secret, all keys, default mode',
      { name: 'v', secret: { secretName: 'tls' } },
      [
        ['tls.crt', 'CERT', '644'],
        ['tls.key', 'KEY', '644'],
      ],
    ],
    [
      'secret, items and modes',
      {
        name: 'v',
        secret: {
          secretName: 'tls',
          defaultMode: 0o400,
          items: [
            { key: 'tls.key', path: 'keys/k.pem' },
            { key: 'tls.crt', path: 'c.pem', mode: 0o444 },
          ],
        },
      },
      [
        ['keys/k.pem', 'KEY', '400'],
        ['c.pem', 'CERT', '444'],
      ],
    ],
    ['optional missing secret', { name: 'v', secret: { secretName: 'nope', optional: true } }, []],
    [
      'configMap',
      { name: 'v', configMap: { name: 'kube-root-ca.crt' } },
      [['ca.crt', 'CA', '644']],
    ],
    [
      'downwardAPI',
      {
        name: 'v',
        downwardAPI: {
          items: [
            { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          ],
        },
      },
      [
        ['ns', 'ns', '644'],
        ['labels', 'a="1"\nb="2"', '644'],
      ],
    ],
    [
      'projected kube-api-access',
      {
        name: 'kube-api-access-x',
        projected: {
          defaultMode: 0o644,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  {
                    path: 'namespace',
                    fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                  },
                ],
              },
            },
          ],
        },
      },
      [
        ['token', 'token-for-api', '644'],
        ['ca.crt', 'CA', '644'],
        ['namespace', 'ns', '644'],
      ],
    ],
  ] as Array<[string, V1Volume, string[][]]>)('%s', (_name, volume, expected) => {
    const plan = planVolumes(podWith([volume]), lookups, placement);
    expect(plan.ok && files(plan.volumes[0])).toEqual(expected);
  });

  it('passes emptyDir and hostPath through', () => {
    const plan = planVolumes(
      podWith([
        { name: 'e', emptyDir: {} },
        { name: 'h', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } },
      ]),
      lookups,
      placement,
    );
    expect(plan).toEqual({
      ok: true,
      volumes: [
        { name: 'e', kind: 'emptyDir' },
        { name: 'h', kind: 'hostPath', path: '/var/lib/etcd', type: 'DirectoryOrCreate' },
      ],
    });
  });

  it('clears write bits of volumes mounted read-only', () => {
    const pod = podWith(
      [{ name: 'v', secret: { secretName: 'tls', defaultMode: 0o640 } }],
      [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/s', readOnly: true }] }],
    );
    const plan = planVolumes(pod, lookups, placement);
    expect(plan.ok && files(plan.volumes[0])).toEqual([
      ['tls.crt', 'CERT', '440'],
      ['tls.key', 'KEY', '440'],
    ]);
  });

  it.each([
    [
      'missing secret',
      { name: 'v', secret: { secretName: 'nope' } },
      'MountVolume.SetUp failed for volume "v" : secret "nope" not found',
    ],
    [
      'missing secret key',
      { name: 'v', secret: { secretName: 'tls', items: [{ key: 'ca.crt', path: 'ca' }] } },
      'MountVolume.SetUp failed for volume "v" : references non-existent secret key: ca.crt',
    ],
    [
      'missing configmap',
      { name: 'v', configMap: { name: 'nope' } },
      'MountVolume.SetUp failed for volume "v" : configmap "nope" not found',
    ],
    [
      'refused token',
      {
        name: 'v',
        projected: { sources: [{ serviceAccountToken: { audience: 'refused', path: 't' } }] },
      },
      'MountVolume.SetUp failed for volume "v" : failed to fetch token for audience "refused"',
    ],
  ] as Array<[string, V1Volume, string]>)(
    'waits on %s with a FailedMount message',
    (_name, volume, message) => {
      expect(planVolumes(podWith([volume]), lookups, placement)).toEqual({ ok: false, message });
    },
  );
});

describe('checkVolumesSupported', () => {
  it('accepts the supported types and names the first unsupported one', () => {
    expect(checkVolumesSupported(podWith([{ name: 'e', emptyDir: {} }]))).toBeUndefined();
    expect(
      checkVolumesSupported(podWith([{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }])),
    ).toEqual({
      reason: 'ErrVolumeNotSupported',
      message: expect.stringContaining(
        'volume "data" of type persistentVolumeClaim is not supported',
      ),
    });
  });
});

describe('object refs', () => {
  it('collects what env and volumes need, one token per audience and lifetime', () => {
    const t = (audience?: string, expirationSeconds?: number): V1ServiceAccountTokenProjection => ({
      audience,
      expirationSeconds,
      path: 'x',
    });
    const pod = podWith([
      { name: 'a', secret: { secretName: 's1' } },
      {
        name: 'b',
        projected: {
          sources: [
            { secret: { name: 's2' } },
            { configMap: { name: 'c1' } },
            { serviceAccountToken: t() },
            { serviceAccountToken: t(undefined, 3600) },
            { serviceAccountToken: t('s3') },
          ],
        },
      },
    ]);
    const refs = volumeRefs(pod);
    expect([...refs.secrets]).toEqual(['s1', 's2']);
    expect([...refs.configMaps]).toEqual(['c1']);
    expect(refs.tokens.map(tokenKey)).toEqual(['|3600', 's3|3600']);
    const c = containerRefs({
      name: 'c',
      envFrom: [{ secretRef: { name: 'e1' } }],
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'c2', key: 'k' } } }],
    });
    expect([[...c.secrets], [...c.configMaps]]).toEqual([['e1'], ['c2']]);
  });
});

describe('planMounts', () => {
  const volumes: PlannedVolume[] = [
    { name: 'certs', kind: 'files', files: [] },
    { name: 'data', kind: 'hostPath', path: '/var/lib/etcd', type: '' },
    { name: 'scratch', kind: 'emptyDir' },
  ];
  const dir = (n: string): string => `/pods/x/volumes/${n}`;
  const mounts = (container: Partial<V1Container>, env: Record<string, string> = {}) =>
    planMounts({ name: 'c', ...container }, volumes, '/pods/x/root', dir, env);

  it('links mount paths under the root, shallower first, honouring subPath and subPathExpr', () => {
    expect(
      mounts(
        {
          volumeMounts: [
            { name: 'certs', mountPath: '/etc/etcd/pki/ca.crt', subPath: 'ca.crt' },
            { name: 'scratch', mountPath: '/etc/etcd' },
            { name: 'data', mountPath: '/var/lib/etcd' },
            { name: 'scratch', mountPath: '/work', subPathExpr: '$(POD)' },
          ],
        },
        { POD: 'p-1' },
      ),
    ).toEqual({
      ok: true,
      mounts: [
        { link: '/pods/x/root/work', target: '/pods/x/volumes/scratch/p-1', createTarget: true },
        { link: '/pods/x/root/etc/etcd', target: '/pods/x/volumes/scratch', createTarget: false },
        { link: '/pods/x/root/var/lib/etcd', target: '/var/lib/etcd', createTarget: false },
        {
          link: '/pods/x/root/etc/etcd/pki/ca.crt',
          target: '/pods/x/volumes/certs/ca.crt',
          createTarget: false,
        },
      ],
    });
  });

  it.each([
    [
      'an unknown volume',
      { volumeMounts: [{ name: 'nope', mountPath: '/x' }] },
      'volumeMount "nope" refers to no volume of the pod',
    ],
    [
      'a climbing subPath',
      { volumeMounts: [{ name: 'scratch', mountPath: '/x', subPath: '../../etc' }] },
      'subPath "../../etc" of volumeMount "scratch" must be a relative path inside the volume',
    ],
  ] as Array<[string, Partial<V1Container>, string]>)('rejects %s', (_name, container, message) => {
    expect(mounts(container)).toEqual({ ok: false, message });
  });

  it('keeps a mount path with .. inside the root', () => {
    const plan = mounts({ volumeMounts: [{ name: 'scratch', mountPath: '/../../../tmp' }] });
    expect(plan.ok && plan.mounts[0]?.link).toBe('/pods/x/root/tmp');
  });
});
