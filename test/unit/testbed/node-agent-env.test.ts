import type { V1ConfigMap, V1Container, V1Pod, V1Secret } from '@kubernetes/client-node';
import {
  kubernetesServiceEnv,
  resolveEnv,
  type EnvResult,
} from '../../support/testbed/node-agent/env.js';
import type { ObjectLookups } from '../../support/testbed/node-agent/object-data.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const secrets: Record<string, V1Secret> = {
  creds: { data: { user: b64('alice'), password: b64('s3cr3t') } },
};
const configMaps: Record<string, V1ConfigMap> = {
  settings: { data: { region: 'eu-1', bucket: 'snaps' }, binaryData: { blob: b64('bin') } },
};
const lookups: ObjectLookups = { secret: (n) => secrets[n], configMap: (n) => configMaps[n] };
const pod: V1Pod = {
  metadata: { name: 'job-abc', namespace: 'backup', uid: 'u-1', labels: { app: 'snap' } },
  spec: { nodeName: 'bed-node', serviceAccountName: 'snapshotter', containers: [] },
};
const placement = { nodeName: 'bed-node', podIP: '127.0.0.1', hostIP: '127.0.0.1' };
const serviceEnv = kubernetesServiceEnv('127.0.0.1', 6443);
const imageEnv = { PATH: '/usr/bin', HOSTNAME: 'job-abc' };

function env(partial: Partial<V1Container>): EnvResult {
  return resolveEnv({
    pod,
    container: { name: 'c', ...partial },
    lookups,
    placement,
    serviceEnv,
    imageEnv,
  });
}

describe('resolveEnv', () => {
  it('gives the base environment: PATH, HOSTNAME and the kubernetes service', () => {
    const result = env({});
    expect(result).toEqual({
      ok: true,
      env: expect.objectContaining({ PATH: '/usr/bin', HOSTNAME: 'job-abc' }),
    });
    expect(result.ok && result.env.KUBERNETES_SERVICE_HOST).toBe('127.0.0.1');
    expect(result.ok && result.env.KUBERNETES_SERVICE_PORT).toBe('6443');
  });

  it.each([
    ['literal value', [{ name: 'X', value: 'x' }], { X: 'x' }],
    ['empty value', [{ name: 'X' }], { X: '' }],
    [
      'expansion of earlier vars',
      [
        { name: 'A', value: 'a' },
        { name: 'B', value: '$(A)-$(KUBERNETES_SERVICE_PORT)' },
      ],
      { B: 'a-6443' },
    ],
    [
      'no expansion of later vars',
      [
        { name: 'B', value: '$(A)' },
        { name: 'A', value: 'a' },
      ],
      { B: '$(A)' },
    ],
    [
      'secretKeyRef',
      [{ name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }],
      { P: 's3cr3t' },
    ],
    [
      'configMapKeyRef',
      [{ name: 'R', valueFrom: { configMapKeyRef: { name: 'settings', key: 'region' } } }],
      { R: 'eu-1' },
    ],
    [
      'fieldRef name',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      { N: 'job-abc' },
    ],
    [
      'fieldRef namespace',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
      { N: 'backup' },
    ],
    [
      'fieldRef uid',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }],
      { N: 'u-1' },
    ],
    [
      'fieldRef nodeName',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      { N: 'bed-node' },
    ],
    [
      'fieldRef SA',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } }],
      { N: 'snapshotter' },
    ],
    [
      'fieldRef podIP',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
      { N: '127.0.0.1' },
    ],
    [
      'fieldRef label',
      [{ name: 'N', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }],
      { N: 'snap' },
    ],
    [
      'resourceFieldRef default limit',
      [
        {
          name: 'M',
          valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
        },
      ],
      { M: String(24 * 1024) },
    ],
    [
      'optional missing secret',
      [{ name: 'P', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } }],
      {},
    ],
    [
      'optional missing key',
      [
        {
          name: 'P',
          valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } },
        },
      ],
      {},
    ],
    [
      'env overrides service env',
      [{ name: 'KUBERNETES_SERVICE_HOST', value: 'elsewhere' }],
      { KUBERNETES_SERVICE_HOST: 'elsewhere' },
    ],
    ['env overrides PATH', [{ name: 'PATH', value: '/opt' }], { PATH: '/opt' }],
  ] as Array<[string, V1Container['env'], Record<string, string>]>)(
    '%s',
    (_name, vars, expected) => {
      const result = env({ env: vars });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.env).toMatchObject(expected);
      if (result.ok && Object.keys(expected).length === 0) expect(result.env.P).toBeUndefined();
    },
  );

  it('takes envFrom first, with prefixes, and lets env override it', () => {
    const result = env({
      envFrom: [
        { secretRef: { name: 'creds' }, prefix: 'S3_' },
        { configMapRef: { name: 'settings' } },
      ],
      env: [{ name: 'region', value: 'override' }],
    });
    expect(result.ok && result.env).toMatchObject({
      S3_user: 'alice',
      S3_password: 's3cr3t',
      region: 'override',
      bucket: 'snaps',
      blob: 'bin',
    });
  });

  it.each([
    [
      'missing secret',
      { env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] },
      'secret "gone" not found',
    ],
    [
      'missing secret key',
      { env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] },
      "couldn't find key token in Secret backup/creds",
    ],
    [
      'missing configmap',
      { env: [{ name: 'P', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] },
      'configmap "gone" not found',
    ],
    [
      'missing configmap key',
      { env: [{ name: 'P', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } }] },
      "couldn't find key k in ConfigMap backup/settings",
    ],
    [
      'missing envFrom secret',
      { envFrom: [{ secretRef: { name: 'gone' } }] },
      'secret "gone" not found',
    ],
    [
      'missing envFrom configmap',
      { envFrom: [{ configMapRef: { name: 'gone' } }] },
      'configmap "gone" not found',
    ],
    [
      'unknown fieldPath',
      { env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] },
      'unsupported fieldPath: spec.nope',
    ],
  ] as Array<[string, Partial<V1Container>, string]>)(
    'reports %s like the kubelet',
    (_name, partial, message) => {
      expect(env(partial)).toEqual({ ok: false, message });
    },
  );

  it('skips a missing optional envFrom source', () => {
    expect(env({ envFrom: [{ secretRef: { name: 'gone', optional: true } }] }).ok).toBe(true);
  });
});
