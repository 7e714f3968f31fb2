import { RUN_NOW_ANNOTATION } from '../../src/api/v1alpha1/index.js';
import { findCondition } from '../../src/domain/conditions.js';
import { useTestBed } from '../support/bed-suite.js';
import { BackupFixture } from '../support/backups.js';
import { installCrds, metricValue, scrapeMetrics, startOperator } from '../support/operator.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { waitFor } from '../support/wait.js';
import { argoHealth } from '../support/argo-health.js';

/**
 * One scheduled EtcdBackup through its whole life, as a user would see it:
 * runs every minute, run-now, retention, metrics, suspend, deletion with
 * deletionPolicy Delete. The steps share the object and run in order.
 */
const bed = useTestBed();
const fx = new BackupFixture(bed, 'lifecycle-e2e', 'lifecycle-e2e');
const NAME = 'minutely';
let operator: ManagedProcess;
let healthPort: number;

const succeeded = (b: { status?: { history?: Array<{ result?: string }> } }) =>
  (b.status?.history ?? []).filter((h) => h.result === 'Succeeded').length;

beforeAll(async () => {
  await installCrds(bed());
  await fx.setUp();
  healthPort = await freePort();
  operator = await startOperator(bed(), 'default', { healthPort });
  await fx.create(NAME, {
    etcd: { endpoints: [bed().etcd.endpoint] },
    schedule: '* * * * *',
    destination: fx.destination(),
    retention: { keepLast: 2 },
    deletionPolicy: 'Delete',
  });
});

afterAll(async () => {
  await operator?.stop();
});

it('runs on schedule: two scheduled successes, each a snapshot with its manifest', async () => {
  await fx.kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded',
    '-n',
    fx.namespace,
    `etcdbackup/${NAME}`,
    '--timeout=150s',
  );
  const backup = await fx.waitUntil(NAME, 'two successful runs', (b) => succeeded(b) >= 2);
  const jobs = await fx.jobs(NAME);
  expect(jobs.filter((j) => j.trigger === 'schedule').length).toBeGreaterThanOrEqual(2);
  // Job names are <backup>-<unix minutes>: two runs, two different minutes.
  const minutes = backup.status!.history!.map((h) => Number(h.job.split('-').at(-1)));
  expect(new Set(minutes).size).toBe(minutes.length);
  const { catalog } = await fx.stored(NAME);
  const stored = catalog.snapshots.map((s) => s.object.key);
  for (const entry of backup.status!.history!) expect(stored).toContain(entry.snapshotKey);
  expect(backup.status?.nextScheduleTime).toBeDefined();
  expect(findCondition(backup.status?.conditions, 'Ready')?.status).toBe('True');
  expect(findCondition(backup.status?.conditions, 'Stale')?.status).toBe('False');
  // What Argo CD shows, from the shipped health check (deploy/argocd/).
  expect(await argoHealth('EtcdBackup', backup)).toEqual({
    status: 'Healthy',
    message: `Last successful backup at ${backup.status!.lastSuccessfulTime!}`,
  });
});

it('the run-now annotation starts one run; retention keeps the newest two', async () => {
  const before = await fx.get(NAME);
  await fx.kubectl(
    'annotate',
    '-n',
    fx.namespace,
    `etcdbackup/${NAME}`,
    `${RUN_NOW_ANNOTATION}=first`,
    '--overwrite',
  );
  const after = await fx.waitUntil(
    NAME,
    'the run-now run recorded',
    (b) =>
      b.status?.lastRunNowToken === 'first' &&
      succeeded(b) > succeeded(before) &&
      b.status?.active === undefined,
  );
  const jobs = await fx.jobs(NAME);
  expect(jobs.filter((j) => j.trigger === 'run-now')).toHaveLength(1);
  const { catalog } = await fx.stored(NAME);
  expect(catalog.snapshots).toHaveLength(2);
  expect(catalog.snapshots.map((s) => s.object.key)).toContain(after.status?.lastSnapshot?.key);
  expect(after.status?.retention?.snapshots).toBe(2);
  expect(await fx.eventLines(NAME)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Normal\/BackupSucceeded: /)]),
  );
});

it('/metrics reports the runs, the last success and the snapshot size', async () => {
  const backup = await fx.get(NAME);
  const labels = `namespace="${fx.namespace}",backup="${NAME}"`;
  const text = await scrapeMetrics(healthPort);
  const runs = metricValue(
    text,
    `etcd_snapshot_operator_backup_runs_total{${labels},result="Succeeded",reason="Succeeded"}`,
  );
  expect(runs).toBeGreaterThanOrEqual(3);
  expect(
    metricValue(text, `etcd_snapshot_operator_backup_last_success_timestamp_seconds{${labels}}`),
  ).toBe(Date.parse(backup.status!.lastSuccessfulTime!) / 1000);
  expect(
    metricValue(text, `etcd_snapshot_operator_backup_last_snapshot_bytes{${labels},kind="stored"}`),
  ).toBe(backup.status?.lastSnapshot?.storedSize);
  expect(
    metricValue(
      text,
      `etcd_snapshot_operator_backup_run_duration_seconds_count{${labels},result="Succeeded"}`,
    ),
  ).toBe(runs);
});

it('suspend stops new runs until resumed', async () => {
  await fx.mergePatch(NAME, { spec: { suspend: true } });
  const suspended = await fx.waitUntil(
    NAME,
    'Suspended True',
    (b) => findCondition(b.status?.conditions, 'Suspended')?.status === 'True',
  );
  expect(suspended.status?.nextScheduleTime).toBeUndefined();
  expect((await argoHealth('EtcdBackup', suspended)).status).toBe('Suspended');
  const jobs = (await fx.jobs(NAME)).map((j) => j.name);
  // Past the next minute boundary, and then some: a schedule tick would have made a Job.
  const now = Date.now();
  await new Promise((r) => setTimeout(r, 60_000 - (now % 60_000) + 10_000));
  expect((await fx.jobs(NAME)).map((j) => j.name)).toEqual(jobs);
  expect(await fx.eventLines(NAME)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Normal\/Suspended: /)]),
  );
  await fx.mergePatch(NAME, { spec: { suspend: false } });
  const resumed = await fx.waitUntil(
    NAME,
    'Suspended False',
    (b) => findCondition(b.status?.conditions, 'Suspended')?.status === 'False',
  );
  expect(Date.parse(resumed.status!.nextScheduleTime!)).toBeGreaterThan(Date.now() - 60_000);
});

it('deleting it with deletionPolicy Delete removes every stored object of the backup', async () => {
  expect((await fx.stored(NAME)).keys.length).toBeGreaterThan(0);
  await fx.kubectl(
    'delete',
    '-n',
    fx.namespace,
    `etcdbackup/${NAME}`,
    '--wait=true',
    '--timeout=150s',
  );
  const { catalog, keys } = await fx.stored(NAME);
  expect(catalog.snapshots).toEqual([]);
  expect(keys).toEqual([]);
  // The operator forgets the series once it has seen the deletion.
  await waitFor(
    async () => ((await scrapeMetrics(healthPort)).includes(`backup="${NAME}"`) ? undefined : true),
    { timeoutMs: 30_000, what: `no metric series of ${NAME}` },
  );
});
