import path from 'node:path';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import {
  API_VERSION,
  BACKUP_CONDITIONS,
  GROUP,
  KINDS,
  LABELS,
  PLURALS,
  VERSION,
  type EtcdBackup,
  type EtcdRestore,
} from '../../src/api/v1alpha1/index.js';
import { useTestBed } from '../support/bed-suite.js';
import { BackupFixture } from '../support/backups.js';
import { readAllKeys } from '../support/etcd-data.js';
import { leaksOf } from '../support/leaks.js';
import { bedKubectl, installCrds, startOperator } from '../support/operator.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * The operator as a tenant would attack it. The tenant is a ServiceAccount
 * with namespace-scoped rights only (EtcdBackups, EtcdRestores, its own
 * Secrets; no Pods), in a namespace that enforces the restricted Pod
 * Security level. The operator trusts only its own namespace. Normal
 * backups and restores work there; every request for host access or for
 * the cluster's own endpoints is refused with a stable reason, an Event and
 * no Pod, and nothing secret shows up anywhere.
 */

const bed = useTestBed();
const OPERATOR_NS = 'security-operator';
const TENANT_NS = 'tenant-a';
let tenant: Tenant;
const fx = new BackupFixture(bed, TENANT_NS, 'tenant-a', 'tenant/', () => tenant.kubeConfig);
const trustedFx = new BackupFixture(bed, OPERATOR_NS, 'security-operator', 'trusted/');
let operator: ManagedProcess;
let healthPort: number;
let source: EtcdServer;
let target: EtcdServer;
const secretKey = () => bed().s3.secretAccessKey;

function goodSpec(): EtcdBackup['spec'] {
  return { etcd: { endpoints: [source.endpoint] }, destination: fx.destination() };
}

async function createRestore(
  kubeConfig: KubeConfig,
  name: string,
  spec: EtcdRestore['spec'],
): Promise<void> {
  await kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: TENANT_NS,
    plural: PLURALS.restore,
    body: { apiVersion: API_VERSION, kind: KINDS.restore, metadata: { name }, spec },
  });
}

async function finishedRestore(name: string): Promise<EtcdRestore> {
  const kubectl = bedKubectl(bed());
  return waitFor(
    async () => {
      const r = JSON.parse(
        await kubectl('get', '-n', TENANT_NS, `etcdrestore/${name}`, '-o', 'json'),
      ) as EtcdRestore;
      return r.status?.phase === 'Completed' || r.status?.phase === 'Failed' ? r : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `EtcdRestore ${name} to finish` },
  );
}

/** What the operator created in the tenant namespace for one object: Jobs, Pods, ConfigMaps. */
async function childrenOf(label: string, name: string): Promise<string[]> {
  const selector = { namespace: TENANT_NS, labelSelector: `${label}=${name}` };
  const kc = bed().kubeConfig;
  const jobs = await kc.makeApiClient(BatchV1Api).listNamespacedJob(selector);
  const core = kc.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod(selector);
  const maps = await core.listNamespacedConfigMap(selector);
  return [...jobs.items, ...pods.items, ...maps.items].map(
    (o) => `${o.kind ?? ''}/${o.metadata?.name ?? ''}`,
  );
}

async function restoreWarnings(name: string): Promise<string[]> {
  const list = await bed()
    .kubeConfig.makeApiClient(EventsV1Api)
    .listNamespacedEvent({ namespace: TENANT_NS });
  return list.items
    .filter((e) => e.regarding?.kind === KINDS.restore && e.regarding.name === name)
    .filter((e) => e.type === 'Warning')
    .map((e) => e.reason ?? '');
}

beforeAll(async () => {
  await installCrds(bed());
  await trustedFx.setUp();
  await fx.setUp();
  tenant = await createTenant(bed(), TENANT_NS);
  source = await startEtcd({ dir: path.join(bed().dir, 'tenant-source') });
  target = await startEtcd({ dir: path.join(bed().dir, 'tenant-target') });
  const client = new Etcd3({ hosts: source.endpoint });
  try {
    for (let i = 0; i < 20; i++)
      await client.put(`/registry/configmaps/tenant-a/c${i}`).value(`v${i}`);
  } finally {
    client.close();
  }
  healthPort = await freePort();
  operator = await startOperator(bed(), OPERATOR_NS, { healthPort });
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('the tenant and its namespace', () => {
  it('the tenant may create EtcdBackups but not Pods or Jobs', async () => {
    const kubectl = bedKubectl(bed());
    const can = async (...args: string[]) => {
      try {
        return (await kubectl('auth', 'can-i', ...args, '--as', tenant.user)).trim();
      } catch (err) {
        return String((err as { stdout?: string }).stdout ?? '').trim();
      }
    };
    expect(await can('create', 'etcdbackups.etcdsnapshot.dev', '-n', TENANT_NS)).toBe('yes');
    expect(await can('create', 'pods', '-n', TENANT_NS)).toBe('no');
    expect(await can('create', 'jobs.batch', '-n', TENANT_NS)).toBe('no');
    expect(await can('get', 'secrets', '-n', OPERATOR_NS)).toBe('no');
  });

  it('the bed enforces restricted there: a hostNetwork Pod is refused at admission', async () => {
    const core = bed().kubeConfig.makeApiClient(CoreV1Api);
    const pod = {
      metadata: { name: 'host-network-probe' },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: bed().operatorImage }] },
    };
    await expect(core.createNamespacedPod({ namespace: TENANT_NS, body: pod })).rejects.toThrow(
      /violates PodSecurity \W*restricted:latest.*host namespaces \(hostNetwork=true\)/,
    );
  });
});

describe('normal use in a restricted tenant namespace', () => {
  it("a tenant's backup runs: its Pod passes the restricted level", async () => {
    await fx.create('nightly', goodSpec());
    const { backup } = await fx.waitForCondition(
      'nightly',
      BACKUP_CONDITIONS.lastBackupSucceeded,
      'True',
    );
    expect(backup.status?.lastSnapshot?.key).toMatch(/^nightly\//);
    expect(await fx.pods('nightly')).toBeGreaterThan(0);
  });

  it("a tenant's logical restore of it into another etcd completes with the same keys", async () => {
    await fx.waitForCondition('nightly', BACKUP_CONDITIONS.lastBackupSucceeded, 'True');
    await createRestore(tenant.kubeConfig, 'back', {
      source: { backupRef: { name: 'nightly' } },
      mode: 'Logical',
      logical: { etcd: { endpoints: [target.endpoint] } },
    });
    const r = await finishedRestore('back');
    expect(r.status?.phase).toBe('Completed');
    const [src, dst] = [source, target].map((e) => new Etcd3({ hosts: e.endpoint }));
    try {
      expect(await readAllKeys(dst!)).toEqual(await readAllKeys(src!));
    } finally {
      src!.close();
      dst!.close();
    }
  });
});

describe('attacks are refused with a stable reason, an Event and no Pod', () => {
  const template = (jobTemplate: EtcdBackup['spec']['jobTemplate']) => () => ({
    ...goodSpec(),
    jobTemplate,
  });
  const etcdAt = (url: () => string) => () => ({
    ...goodSpec(),
    etcd: { endpoints: [url()] },
  });
  const cases: Array<[string, () => EtcdBackup['spec'], string, RegExp]> = [
    [
      'host-network',
      template({ hostNetwork: true }),
      'Forbidden',
      /spec\.jobTemplate\.hostNetwork/,
    ],
    [
      'host-path',
      template({
        volumes: [{ name: 'pki', hostPath: { path: '/etc/kubernetes/pki/etcd' } }],
        volumeMounts: [{ name: 'pki', mountPath: '/pki', readOnly: true }],
      }),
      'Forbidden',
      /spec\.jobTemplate\.volumes\[pki\] mounts a path of the node/,
    ],
    [
      'privileged',
      template({ containerSecurityContext: { privileged: true } }),
      'Forbidden',
      /containerSecurityContext\.privileged runs privileged/,
    ],
    [
      'run-as-root',
      template({ securityContext: { runAsUser: 0 } }),
      'Forbidden',
      /spec\.jobTemplate\.securityContext\.runAsUser runs as root/,
    ],
    [
      'other-image',
      template({ image: 'registry.example/shell:latest' }),
      'Forbidden',
      /spec\.jobTemplate\.image runs the image registry\.example\/shell:latest/,
    ],
    [
      'other-service-account',
      template({ serviceAccountName: 'default' }),
      'Forbidden',
      /spec\.jobTemplate\.serviceAccountName/,
    ],
    [
      'host-files',
      () => ({
        ...goodSpec(),
        etcd: {
          endpoints: [source.endpoint],
          tlsFiles: {
            caFile: '/etc/kubernetes/pki/etcd/ca.crt',
            certFile: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
            keyFile: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
          },
        },
      }),
      'Forbidden',
      /spec\.etcd\.tlsFiles runs as root/,
    ],
    [
      'host-path-destination',
      () => ({ ...goodSpec(), destination: { volume: { hostPath: { path: '/var/backups' } } } }),
      'Forbidden',
      /spec\.destination\.volume\.hostPath/,
    ],
    [
      'operator-metrics',
      etcdAt(() => `http://127.0.0.1:${healthPort}`),
      'EndpointForbidden',
      /spec\.etcd\.endpoints\[0\] points at the operator's own health and metrics port/,
    ],
    [
      'api-server',
      etcdAt(() => bed().apiServer.url),
      'EndpointForbidden',
      /spec\.etcd\.endpoints\[0\] points at the Kubernetes API server/,
    ],
    [
      'api-server-service',
      etcdAt(() => 'https://kubernetes.default.svc:443'),
      'EndpointForbidden',
      /points at the Kubernetes API server/,
    ],
    [
      's3-at-metadata-service',
      () => ({
        ...goodSpec(),
        destination: fx.destination({ endpoint: 'http://169.254.169.254' }),
      }),
      'EndpointForbidden',
      /spec\.destination\.s3\.endpoint points at the cloud metadata service/,
    ],
  ];

  it.each(cases)('%s', async (name, spec, reason, message) => {
    await fx.create(name, spec());
    const { condition } = await fx.waitForCondition(name, BACKUP_CONDITIONS.ready, 'False');
    expect(condition.reason).toBe(reason);
    expect(condition.message).toMatch(message);
    await fx.waitForWarning(name, reason);
    expect(await childrenOf(LABELS.backup, name)).toEqual([]);
    expect((await fx.get(name)).status?.active).toBeUndefined();
  });

  it("another namespace's Secret: a name with a namespace is invalid, a bare name is looked up only here", async () => {
    await expect(
      fx.create('slash-secret', {
        ...goodSpec(),
        destination: fx.destination({ credentialsSecretRef: { name: `${OPERATOR_NS}/s3-creds` } }),
      }),
    ).rejects.toThrow(/credentialsSecretRef\.name/);
    await trustedFx.putSecret('operator-only-s3', trustedFx.credentials());
    await fx.create('foreign-secret', {
      ...goodSpec(),
      destination: fx.destination({ credentialsSecretRef: { name: 'operator-only-s3' } }),
    });
    const { condition } = await fx.waitForCondition(
      'foreign-secret',
      BACKUP_CONDITIONS.ready,
      'False',
    );
    expect(condition.reason).toBe('SecretNotFound');
    expect(condition.message).toContain('does not exist in this namespace');
    expect(await childrenOf(LABELS.backup, 'foreign-secret')).toEqual([]);
  });

  const restores: Array<[string, () => EtcdRestore['spec'], string, RegExp]> = [
    [
      'data-dir-on-a-node',
      () => ({
        source: { backupRef: { name: 'nightly' } },
        mode: 'DataDir',
        dataDir: {
          members: [
            {
              name: 'm0',
              peerURL: 'https://10.0.0.10:2380',
              nodeName: bed().nodeName,
              hostPath: { path: '/var/lib/etcd' },
            },
          ],
        },
      }),
      'Forbidden',
      /spec\.dataDir\.members\[0\]\.hostPath mounts a path of the node.*members\[0\]\.nodeName pins the Pod to a node/,
    ],
    [
      'into-another-namespace',
      () => ({
        source: { backupRef: { name: 'nightly' } },
        mode: 'Logical',
        logical: { etcd: { endpoints: ['https://etcd.kube-system.svc:2379'] }, overwrite: true },
      }),
      'EndpointForbidden',
      /spec\.logical\.etcd\.endpoints\[0\] points at a Service of namespace kube-system/,
    ],
    [
      'into-the-api-server',
      () => ({
        source: { backupRef: { name: 'nightly' } },
        mode: 'Logical',
        logical: { etcd: { endpoints: [bed().apiServer.url] } },
      }),
      'EndpointForbidden',
      /points at the Kubernetes API server/,
    ],
  ];

  it.each(restores)('restore %s', async (name, spec, reason, message) => {
    await createRestore(tenant.kubeConfig, name, spec());
    const r = await finishedRestore(name);
    expect(r.status?.phase).toBe('Failed');
    const restored = r.status?.conditions?.find((c) => c.type === 'Restored');
    expect(restored).toMatchObject({ status: 'False', reason });
    expect(restored?.message).toMatch(message);
    await waitFor(async () => (await restoreWarnings(name)).includes(reason) || undefined, {
      timeoutMs: 30_000,
      what: `a Warning Event ${reason} regarding ${name}`,
    });
    expect(await childrenOf(LABELS.restore, name)).toEqual([]);
  });

  it('the same host access runs in the trusted namespace', async () => {
    await trustedFx.create('control-plane', {
      etcd: { endpoints: [source.endpoint] },
      destination: trustedFx.destination(),
      jobTemplate: { hostNetwork: true },
    });
    const { backup } = await trustedFx.waitForCondition(
      'control-plane',
      BACKUP_CONDITIONS.lastBackupSucceeded,
      'True',
    );
    expect(backup.status?.lastSnapshot).toBeDefined();
  });

  it('leaks nothing: no S3 secret key in status, Events, Jobs, ConfigMaps or logs', async () => {
    expect(await leaksOf(fx, { 'S3 secret key': secretKey() })).toEqual([]);
  });
});
