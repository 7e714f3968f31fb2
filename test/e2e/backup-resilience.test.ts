import { findCondition } from '../../src/domain/conditions.js';
import { useTestBed } from '../support/bed-suite.js';
import { BackupFixture } from '../support/backups.js';
import { installCrds, startOperator } from '../support/operator.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { waitFor } from '../support/wait.js';

/** The operator dies and replicas fail over; runs are neither lost nor doubled. */
const bed = useTestBed();
const fx = new BackupFixture(bed, 'resilience-e2e', 'resilience-e2e');
const LEASE_NAMESPACE = 'resilience-e2e';
const replicas = new Map<string, ManagedProcess>();

async function start(name: string): Promise<void> {
  replicas.set(name, await startOperator(bed(), LEASE_NAMESPACE, { name }));
}

async function kill(name: string): Promise<void> {
  await replicas.get(name)?.kill();
  replicas.delete(name);
}

async function leaseHolder(): Promise<string | undefined> {
  const holder = await fx.kubectl(
    'get',
    'lease',
    '-n',
    LEASE_NAMESPACE,
    'etcd-snapshot-operator',
    '-o',
    'jsonpath={.spec.holderIdentity}',
  );
  return holder.trim() || undefined;
}

/** The replica name of the lease holder (identities are `<pod name>_<random>`). */
async function leader(except?: string): Promise<string> {
  return waitFor(
    async () => {
      const holder = await leaseHolder();
      const name = holder?.slice(0, holder.lastIndexOf('_'));
      return name && name !== except && replicas.has(name) ? name : undefined;
    },
    { timeoutMs: 60_000, what: `a live replica other than ${except ?? 'none'} holding the lease` },
  );
}

beforeAll(async () => {
  await installCrds(bed());
  await fx.setUp();
});

afterAll(async () => {
  await Promise.all([...replicas.values()].map((p) => p.stop()));
});

it('the operator killed mid-run and restarted records the run and starts no second Job', async () => {
  await start('replica-a');
  await fx.create('once', {
    etcd: { endpoints: [bed().etcd.endpoint] },
    destination: fx.destination(),
  });
  const [job] = await waitFor(
    async () => {
      const jobs = await fx.jobs('once');
      return jobs.length > 0 ? jobs : undefined;
    },
    { timeoutMs: 120_000, what: 'the run Job', intervalMs: 100 },
  );
  await kill('replica-a');
  // The run finishes while no operator is up.
  await fx.kubectl(
    'wait',
    '--for=condition=Complete',
    '-n',
    fx.namespace,
    `job/${job!.name}`,
    '--timeout=120s',
  );
  await start('replica-a');
  const backup = await fx.waitUntil(
    'once',
    'the run recorded after the restart',
    (b) => findCondition(b.status?.conditions, 'LastBackupSucceeded')?.status === 'True',
  );
  expect(backup.status?.history?.map((h) => h.job)).toEqual([job!.name]);
  expect(backup.status?.active).toBeUndefined();
  expect(await fx.jobs('once')).toEqual([job]);
  const { catalog } = await fx.stored('once');
  expect(catalog.snapshots.map((s) => s.manifest.raw.sha256)).toEqual([
    backup.status?.lastSnapshot?.sha256,
  ]);
});

it('two replicas: the leader killed, the other takes over and the schedule goes on', async () => {
  await start('replica-b');
  await fx.create('minutely', {
    etcd: { endpoints: [bed().etcd.endpoint] },
    schedule: '* * * * *',
    destination: fx.destination(),
  });
  const first = await leader();
  const before = await fx.waitUntil('minutely', 'a first scheduled success', (b) =>
    (b.status?.history ?? []).some((h) => h.result === 'Succeeded'),
  );
  const killedAt = Date.now();
  await kill(first);
  const second = await leader(first);
  const failoverMs = Date.now() - killedAt;
  console.log(`leader ${first} killed; ${second} took over after ${failoverMs} ms`);
  const after = await fx.waitUntil('minutely', `a success started by ${second}`, (b) =>
    (b.status?.history ?? []).some(
      (h) =>
        h.result === 'Succeeded' &&
        !before.status!.history!.some((old) => old.job === h.job) &&
        Date.parse(h.startTime ?? '') > killedAt - 1000,
    ),
  );
  // One Job per minute: no tick ran twice across the failover.
  const jobs = (await fx.jobs('minutely')).map((j) => j.name);
  expect(new Set(jobs).size).toBe(jobs.length);
  expect(after.status?.consecutiveFailures).toBe(0);
  expect(await fx.eventLines('minutely')).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Normal\/BackupSucceeded: /)]),
  );
});
