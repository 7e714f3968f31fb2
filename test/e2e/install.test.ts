import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { BACKUP_CONDITIONS } from '../../src/api/v1alpha1/index.js';
import { BackupFixture } from '../support/backups.js';
import { suiteFailed, useTestBed } from '../support/bed-suite.js';
import { forTheBed, startAppsControllers } from '../support/install-on-bed.js';
import { INSTALL_NAMESPACE, renderKustomize } from '../support/manifests.js';
import { bedKubectl } from '../support/operator.js';
import { tail, type ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * deploy/ as a user installs it: `kubectl apply --server-side` of
 * `kubectl kustomize deploy/`, the operator running as two Pods of its
 * Deployment with their ServiceAccount's token. A backup succeeding proves the
 * ClusterRole and the leader-election Role are enough.
 */

const bed = useTestBed();
const kubectl = (...args: string[]) => bedKubectl(bed())(...args);
const DEPLOYMENT = 'etcd-snapshot-operator';
const SELECTOR =
  'app.kubernetes.io/name=etcd-snapshot-operator,app.kubernetes.io/component=operator';
const ns = 'install-e2e';
const fx = new BackupFixture(bed, ns, 'install-e2e', 'install/');
const { lastBackupSucceeded } = BACKUP_CONDITIONS;
let appsControllers: ManagedProcess | undefined;

async function operatorPods(): Promise<V1Pod[]> {
  const list = await bed()
    .kubeConfig.makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: INSTALL_NAMESPACE, labelSelector: SELECTOR });
  return list.items.filter((p) => p.status?.phase === 'Running');
}

beforeAll(async () => {
  appsControllers = startAppsControllers(bed());
  const manifests = forTheBed(await renderKustomize(), bed());
  const file = path.join(bed().dir, 'install.yaml');
  writeFileSync(file, manifests.map((m) => JSON.stringify(m)).join('\n---\n'));
  await kubectl('apply', '--server-side', '-f', file);
  await kubectl(
    'wait',
    '--for=condition=Available',
    '-n',
    INSTALL_NAMESPACE,
    `deployment/${DEPLOYMENT}`,
    '--timeout=90s',
  );
}, 120_000);

afterAll(async () => {
  if (suiteFailed()) {
    for (const pod of await operatorPods().catch(() => [])) {
      const file = bed().podLogFile(pod, 'operator');
      process.stderr.write(`----- ${pod.metadata?.name} (${file}) -----\n${tail(file)}\n`);
    }
  }
  await appsControllers?.stop();
});

it('runs two replicas with the ServiceAccount token, one holding the Lease', async () => {
  const pods = await operatorPods();
  expect(pods).toHaveLength(2);
  for (const pod of pods) {
    expect(pod.spec?.serviceAccountName).toBe('etcd-snapshot-operator');
    expect(pod.spec?.containers[0]?.volumeMounts?.map((m) => m.mountPath)).toContain(
      '/var/run/secrets/kubernetes.io/serviceaccount',
    );
  }
  const lease = await waitFor(
    async () =>
      JSON.parse(
        await kubectl('get', 'lease', '-n', INSTALL_NAMESPACE, DEPLOYMENT, '-o', 'json'),
      ) as { spec: { holderIdentity: string } },
    { timeoutMs: 30_000, what: 'the leader-election Lease' },
  );
  const holder = lease.spec.holderIdentity.replace(/_[0-9a-f]+$/, '');
  expect(pods.map((p) => p.metadata?.name)).toContain(holder);
});

it('backs up the bed etcd to LastBackupSucceeded with only the RBAC of deploy/', async () => {
  await fx.setUp();
  await fx.create('once', {
    etcd: { endpoints: [bed().etcd.endpoint] },
    destination: fx.destination(),
  });
  const { backup } = await fx.waitForCondition('once', lastBackupSucceeded, 'True');
  expect(backup.status?.lastSnapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(await kubectl('get', 'events', '-n', ns, '-o', 'json')).toContain('BackupSucceeded');
});

it('grants no more than the operator calls', async () => {
  const sa = `system:serviceaccount:${INSTALL_NAMESPACE}:etcd-snapshot-operator`;
  const can = async (...args: string[]) =>
    (
      await kubectl('auth', 'can-i', `--as=${sa}`, ...args).catch((err: { stdout?: string }) =>
        String(err.stdout ?? ''),
      )
    ).trim();
  expect(await can('create', 'jobs.batch', '-n', ns)).toBe('yes');
  expect(await can('patch', 'etcdbackups.etcdsnapshot.dev/status', '-n', ns)).toBe('yes');
  expect(await can('list', 'secrets', '-n', ns)).toBe('no');
  expect(await can('delete', 'etcdbackups.etcdsnapshot.dev', '-n', ns)).toBe('no');
  expect(await can('update', 'leases.coordination.k8s.io', '-n', ns)).toBe('no');
  expect(await can('update', 'leases.coordination.k8s.io', '-n', INSTALL_NAMESPACE)).toBe('yes');
});

it('serves /healthz, /readyz and /metrics once one replica has the health port to itself, and leads', async () => {
  const port = await freePort();
  const args = ['operator', '--leader-election-namespace', '$(POD_NAMESPACE)', '--health-port'];
  const patch = {
    spec: {
      replicas: 1,
      template: { spec: { containers: [{ name: 'operator', args: [...args, String(port)] }] } },
    },
  };
  const deployment = `deployment/${DEPLOYMENT}`;
  await kubectl('patch', '-n', INSTALL_NAMESPACE, deployment, '-p', JSON.stringify(patch));
  await kubectl('rollout', 'status', '-n', INSTALL_NAMESPACE, deployment, '--timeout=60s');
  const get = (p: string) => fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined);
  await waitFor(async () => ((await get('/readyz'))?.status === 200 ? true : undefined), {
    timeoutMs: 30_000,
    what: '/readyz to answer 200',
  });
  expect((await get('/healthz'))?.status).toBe(200);
  // The replaced leader released the Lease on SIGTERM, so the new replica leads.
  const metrics = await waitFor(
    async () => {
      const text = await (await get('/metrics'))?.text();
      return text && /^etcd_snapshot_operator_leader 1$/m.test(text) ? text : undefined;
    },
    { timeoutMs: 30_000, what: 'the new replica to lead' },
  );
  expect(metrics).toMatch(/^# HELP etcd_snapshot_operator_reconcile_total /m);
});
