import {
  API_VERSION,
  KINDS,
  type EtcdBackup,
  type EtcdRestore,
} from '../../../../src/api/v1alpha1/index.js';
import { agentPolicyFrom } from '../../../../src/controller/policy/policy-from.js';
import { backupPolicyRefusal } from '../../../../src/controller/backup/plan-policy.js';
import { restorePolicyRefusal } from '../../../../src/controller/restore/plan-policy.js';
import { desiredJobs } from '../../../../src/controller/restore/plan-jobs.js';
import { isTrusted, type AgentPolicy } from '../../../../src/controller/policy/agent-policy.js';
import { backupJobSpec } from '../../../../src/controller/jobs/backup-job.js';
import { cleanupJobSpec } from '../../../../src/controller/jobs/cleanup-job.js';
import { restoreJobSpec } from '../../../../src/controller/jobs/restore-job.js';
import { restrictedViolations } from '../../../../src/controller/policy/pod-security.js';

const IMAGE = 'ghcr.io/etcd-snapshot-operator/etcd-snapshot:0.1.0';
const policy: AgentPolicy = agentPolicyFrom({
  ownNamespace: 'etcd-snapshot-system',
  image: IMAGE,
  apiServer: 'https://10.96.0.1:6443',
  healthPort: 8080,
  podIp: '10.244.0.7',
});

function backup(spec: Partial<EtcdBackup['spec']> = {}, namespace = 'tenant-a'): EtcdBackup {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.backup,
    metadata: { name: 'b', namespace, uid: 'uid-b' },
    spec: {
      etcd: { endpoints: ['https://etcd.tenant-a.svc:2379'], tlsSecretRef: { name: 'etcd-tls' } },
      destination: {
        s3: {
          bucket: 'backups',
          endpoint: 'https://minio.example:9000',
          credentialsSecretRef: { name: 's3' },
          caBundleSecretRef: { name: 'ca' },
        },
      },
      encryption: { recipientsFrom: { secretKeyRef: { name: 'age' } } },
      ...spec,
    },
  };
}

function restore(spec: Partial<EtcdRestore['spec']>, namespace = 'tenant-a'): EtcdRestore {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.restore,
    metadata: { name: 'r', namespace, uid: 'uid-r-12345678' },
    spec: {
      source: {
        destination: { s3: { bucket: 'backups', credentialsSecretRef: { name: 's3' } } },
        key: 'b/20260301T000000Z-r00000000000000000042.db.zst',
        decryptionSecretRef: { name: 'age-identity' },
      },
      mode: 'Logical',
      logical: { etcd: { endpoints: ['https://etcd.tenant-a.svc:2379'] } },
      ...spec,
    },
  } as EtcdRestore;
}

const refuseRestore = (r: EtcdRestore, p: AgentPolicy = policy) =>
  restorePolicyRefusal(r, undefined, desiredJobs(r), p);

describe('the Pods the operator creates by default pass the restricted Pod Security level', () => {
  const run = { jobName: 'j', configMapName: 'j', image: IMAGE };
  const pods: Array<[string, { spec: object; metadata: { annotations: Record<string, string> } }]> =
    [
      [
        'backup run',
        backupJobSpec({ ...run, backup: backup(), scheduledTime: new Date(0), trigger: 'schedule' })
          .job.spec.template,
      ],
      ['deletion cleanup', cleanupJobSpec({ ...run, backup: backup() }).job.spec.template],
      [
        'Logical restore',
        restoreJobSpec({ restore: restore({}), jobName: 'j', image: IMAGE, stamp: 's' }).job.spec
          .template,
      ],
      [
        'DataDir restore into a PVC',
        restoreJobSpec({
          restore: restore({
            mode: 'DataDir',
            logical: undefined,
            dataDir: {
              members: [
                {
                  name: 'm0',
                  peerURL: 'https://m0:2380',
                  persistentVolumeClaim: { claimName: 'data-m0' },
                },
              ],
            },
          }),
          member: {
            name: 'm0',
            peerURL: 'https://m0:2380',
            persistentVolumeClaim: { claimName: 'data-m0' },
          },
          jobName: 'j',
          image: IMAGE,
          stamp: 's',
        }).job.spec.template,
      ],
    ];

  it.each(pods)('%s', (_name, template) => {
    expect(restrictedViolations(template.spec, template.metadata.annotations)).toEqual([]);
  });

  it('and so the policy lets them through in an untrusted namespace', () => {
    expect(backupPolicyRefusal(backup(), policy)).toBeUndefined();
    expect(refuseRestore(restore({}))).toBeUndefined();
  });
});

describe('backupPolicyRefusal: host access only in trusted namespaces', () => {
  const template = (jobTemplate: EtcdBackup['spec']['jobTemplate']) => backup({ jobTemplate });
  const cases: Array<[string, EtcdBackup, string]> = [
    ['host network', template({ hostNetwork: true }), 'spec.jobTemplate.hostNetwork'],
    [
      'a hostPath volume for the etcd keys',
      template({
        volumes: [{ name: 'pki', hostPath: { path: '/etc/kubernetes/pki/etcd' } }],
        volumeMounts: [{ name: 'pki', mountPath: '/pki' }],
      }),
      'spec.jobTemplate.volumes[pki] mounts a path of the node',
    ],
    [
      'a hostPath destination',
      backup({ destination: { volume: { hostPath: { path: '/var/backups' } } } }),
      'spec.destination.volume.hostPath',
    ],
    [
      'etcd keys read from files (as root)',
      backup({
        etcd: {
          endpoints: ['https://10.0.0.1:2379'],
          tlsFiles: { caFile: '/pki/ca.crt', certFile: '/pki/c.crt', keyFile: '/pki/c.key' },
        },
      }),
      'spec.etcd.tlsFiles runs as root',
    ],
    [
      'a privileged container',
      template({ containerSecurityContext: { privileged: true } }),
      'spec.jobTemplate.containerSecurityContext.privileged runs privileged',
    ],
    [
      'added capabilities',
      template({ containerSecurityContext: { capabilities: { add: ['SYS_ADMIN'] } } }),
      'spec.jobTemplate.containerSecurityContext.capabilities',
    ],
    [
      'run as root',
      template({ securityContext: { runAsUser: 0, runAsNonRoot: false } }),
      'spec.jobTemplate.securityContext.runAsUser runs as root',
    ],
    ['another image', template({ image: 'evil.example/shell:1' }), 'spec.jobTemplate.image'],
    [
      'another ServiceAccount',
      template({ serviceAccountName: 'admin' }),
      'spec.jobTemplate.serviceAccountName',
    ],
    [
      'the AppArmor annotation',
      template({
        metadata: {
          annotations: { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined' },
        },
      }),
      'spec.jobTemplate.metadata.annotations',
    ],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, b, field) => {
    const refusal = backupPolicyRefusal(b, policy);
    expect(refusal?.reason).toBe('Forbidden');
    expect(refusal?.message).toContain(field);
    expect(refusal?.message).toContain('namespace tenant-a is not trusted');
    expect(refusal?.message).toContain('--trusted-namespaces');
  });

  it.each(cases)('allows %s in a trusted namespace', (_name, b) => {
    const trusted = { ...b, metadata: { ...b.metadata, namespace: 'etcd-snapshot-system' } };
    expect(backupPolicyRefusal(trusted, policy)).toBeUndefined();
    expect(backupPolicyRefusal(b, { ...policy, trustedNamespaces: ['*'] })).toBeUndefined();
  });

  it('allows what the restricted level allows: placement, resources, env, PVC and Secret volumes', () => {
    const b = template({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ operator: 'Exists' }],
      resources: { limits: { memory: '256Mi' } },
      env: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
      volumes: [{ name: 'extra', secret: { secretName: 'x' } }],
      securityContext: { runAsUser: 1000, fsGroup: 1000 },
    });
    expect(backupPolicyRefusal(b, policy)).toBeUndefined();
  });
});

describe('endpoints an untrusted spec may not point the agent at', () => {
  const etcdAt = (url: string) =>
    backup({ etcd: { endpoints: ['https://10.0.0.1:2379', url], tlsSecretRef: { name: 't' } } });
  const cases: Array<[string, string, string]> = [
    [
      'the API server by its Service name',
      'https://kubernetes.default.svc:443',
      'the Kubernetes API server',
    ],
    ['the API server by its short name', 'https://kubernetes:443', 'the Kubernetes API server'],
    ['the API server by its address', 'https://10.96.0.1:6443', 'the Kubernetes API server'],
    ["the operator's metrics on loopback", 'http://127.0.0.1:8080', "the operator's own health"],
    ["the operator's metrics on its Pod IP", 'http://10.244.0.7:8080', "the operator's own health"],
    ['the cloud metadata service', 'http://169.254.169.254:80', 'the cloud metadata service'],
    [
      'another namespace',
      'https://etcd.tenant-b.svc.cluster.local:2379',
      'a Service of namespace tenant-b',
    ],
  ];

  it.each(cases)('refuses %s', (_name, url, what) => {
    const refusal = backupPolicyRefusal(etcdAt(url), policy);
    expect(refusal?.reason).toBe('EndpointForbidden');
    expect(refusal?.message).toContain(`spec.etcd.endpoints[1] points at ${what}`);
  });

  it('checks the S3 endpoint and a Logical restore target too', () => {
    const s3 = backup({
      destination: { s3: { bucket: 'b', endpoint: 'http://metadata.google.internal' } },
    });
    expect(backupPolicyRefusal(s3, policy)?.message).toContain('spec.destination.s3.endpoint');
    const r = restore({ logical: { etcd: { endpoints: ['https://etcd.tenant-b.svc:2379'] } } });
    expect(refuseRestore(r)?.message).toContain(
      'spec.logical.etcd.endpoints[0] points at a Service of namespace tenant-b',
    );
  });

  it('allows its own Services, other hosts and other ports', () => {
    for (const url of [
      'https://etcd.tenant-a.svc:2379',
      'https://10.0.0.1:2379',
      'http://127.0.0.1:2379',
      'https://etcd.example.com:2379',
    ])
      expect(backupPolicyRefusal(etcdAt(url), policy)).toBeUndefined();
  });
});

describe('restorePolicyRefusal', () => {
  const dataDir = (hostPath: boolean) =>
    restore({
      mode: 'DataDir',
      logical: undefined,
      dataDir: {
        members: [
          hostPath
            ? {
                name: 'm0',
                peerURL: 'https://10.0.0.1:2380',
                nodeName: 'cp-0',
                hostPath: { path: '/var/lib/etcd' },
              }
            : {
                name: 'm0',
                peerURL: 'https://10.0.0.1:2380',
                persistentVolumeClaim: { claimName: 'd' },
              },
        ],
      },
    });

  it('refuses a hostPath DataDir restore outside trusted namespaces, naming node and path', () => {
    const refusal = refuseRestore(dataDir(true));
    expect(refusal?.reason).toBe('Forbidden');
    expect(refusal?.message).toContain(
      'spec.dataDir.members[0].hostPath mounts a path of the node',
    );
    expect(refusal?.message).toContain('spec.dataDir.members[0].nodeName pins the Pod to a node');
  });

  it('allows it in a trusted namespace, and a PVC restore anywhere', () => {
    const trusted = dataDir(true);
    trusted.metadata!.namespace = 'etcd-snapshot-system';
    expect(refuseRestore(trusted)).toBeUndefined();
    expect(refuseRestore(dataDir(false))).toBeUndefined();
  });
});

describe('agentPolicyFrom', () => {
  it("trusts the operator's own namespace by default", () => {
    expect(policy.trustedNamespaces).toEqual(['etcd-snapshot-system']);
    expect(isTrusted(policy, 'etcd-snapshot-system')).toBe(true);
    expect(isTrusted(policy, 'tenant-a')).toBe(false);
  });

  it('takes a list, * for all, and an empty list for none', () => {
    const of = (trustedNamespaces: string) =>
      agentPolicyFrom({ trustedNamespaces, ownNamespace: 'own', image: IMAGE }).trustedNamespaces;
    expect(of('a, b')).toEqual(['a', 'b']);
    expect(of('a,*')).toEqual(['*']);
    expect(of('')).toEqual([]);
  });

  it('names the API server it talks to and its own port as forbidden endpoints', () => {
    const p = agentPolicyFrom({
      image: IMAGE,
      apiServer: 'https://127.0.0.1:36443',
      serviceHost: '10.96.0.1',
      servicePort: '443',
      healthPort: 9090,
    });
    expect(p.forbiddenEndpoints).toEqual([
      { host: '127.0.0.1', port: 36443, what: 'the Kubernetes API server' },
      { host: '10.96.0.1', port: 443, what: 'the Kubernetes API server' },
      { host: 'loopback', port: 9090, what: "the operator's own health and metrics port" },
    ]);
  });
});
