import { STATUS_LIMITS, type EtcdBackupStatus } from '../../../../src/api/v1alpha1/index.js';
import { findCondition } from '../../../../src/domain/conditions.js';
import { planBackup } from '../../../../src/controller/backup/plan.js';
import { at, backup, failed, minutes, observed, run, succeeded } from './fixtures.js';

const NOW = at('2026-03-02T13:10:00Z');
const LAST = { lastScheduleTime: '2026-03-02T13:00:00Z' };
const condition = (status: EtcdBackupStatus, type: string) =>
  findCondition(status.conditions, type);

describe('planBackup: recording finished runs', () => {
  it('a Job that succeeded with a result: history, lastSnapshot, condition True, event', () => {
    const job = succeeded('2026-03-02T13:00:00Z', '2026-03-02T13:01:30Z', 'nightly/a.db.zst');
    const plan = planBackup(observed(backup({ status: LAST }), [job]), NOW);
    expect(plan.status.history).toEqual([
      {
        job: job.name,
        startTime: '2026-03-02T13:00:00Z',
        completionTime: '2026-03-02T13:01:30Z',
        result: 'Succeeded',
        reason: 'Succeeded',
        message: 'stored nightly/a.db.zst',
        snapshotKey: 'nightly/a.db.zst',
      },
    ]);
    expect(plan.status.lastSuccessfulTime).toBe('2026-03-02T13:01:30Z');
    expect(plan.status.lastSnapshot).toMatchObject({
      key: 'nightly/a.db.zst',
      uri: 's3://etcd-backups/nightly/a.db.zst',
      storedSize: 1536,
      storedSizeHuman: '1.5 KiB',
      revision: '12345',
      duration: '1m30s',
      time: '2026-03-02T13:00:00Z',
    });
    expect(plan.status.consecutiveFailures).toBe(0);
    expect(plan.status.retention).toEqual({
      snapshots: 5,
      totalStoredBytes: 7680,
      lastPruneTime: '2026-03-02T13:01:30Z',
      removedLastRun: 1,
    });
    expect(condition(plan.status, 'LastBackupSucceeded')).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
    });
    expect(condition(plan.status, 'Stale')).toMatchObject({ status: 'False', reason: 'Fresh' });
    expect(plan.events).toEqual([
      {
        type: 'Normal',
        reason: 'BackupSucceeded',
        message: `${job.name}: stored nightly/a.db.zst (1.5 KiB, revision 12345) in 1m30s`,
      },
    ]);
    expect(plan.status.active).toBeUndefined();
  });

  it('EtcdUnreachable: condition False with the agent reason; failures count 1, then 2', () => {
    const first = failed('2026-03-02T12:00:00Z', '2026-03-02T12:00:40Z');
    const one = planBackup(observed(backup({ status: LAST }), [first]), NOW);
    expect(condition(one.status, 'LastBackupSucceeded')).toMatchObject({
      status: 'False',
      reason: 'EtcdUnreachable',
    });
    expect(one.status.consecutiveFailures).toBe(1);
    expect(one.status.lastError).toEqual({
      reason: 'EtcdUnreachable',
      message: 'no etcd endpoint answered within 10s: check spec.etcd.endpoints',
      time: '2026-03-02T12:00:40Z',
    });
    expect(one.events.map((e) => `${e.type}/${e.reason}`)).toContain('Warning/BackupFailed');

    const second = failed('2026-03-02T13:00:00Z', '2026-03-02T13:00:40Z');
    const two = planBackup(observed(backup({ status: one.status }), [first, second]), NOW);
    expect(two.status.consecutiveFailures).toBe(2);
    expect(two.status.history?.map((h) => h.job)).toEqual([second.name, first.name]);
    expect(two.events.filter((e) => e.reason === 'BackupFailed')).toHaveLength(1);
  });

  it('recording is idempotent: the same Jobs planned twice change nothing the second time', () => {
    const jobs = [
      failed('2026-03-02T11:00:00Z', '2026-03-02T11:00:40Z'),
      succeeded('2026-03-02T12:00:00Z', '2026-03-02T12:01:00Z'),
      failed('2026-03-02T13:00:00Z', '2026-03-02T13:00:40Z', 'AccessDenied'),
    ];
    const first = planBackup(observed(backup({ status: LAST }), jobs), NOW);
    expect(first.status.consecutiveFailures).toBe(1);
    expect(first.status.history).toHaveLength(3);
    expect(first.finished).toEqual([
      { job: jobs[0]!.name, result: 'Failed', reason: 'EtcdUnreachable', durationSeconds: 40 },
      { job: jobs[1]!.name, result: 'Succeeded', reason: 'Succeeded', durationSeconds: 60 },
      { job: jobs[2]!.name, result: 'Failed', reason: 'AccessDenied', durationSeconds: 40 },
    ]);
    const second = planBackup(observed(backup({ status: first.status }), jobs), NOW);
    expect(second.status).toEqual(first.status);
    expect(second.events).toEqual([]);
    expect(second.finished).toEqual([]);
  });

  it('a success resets the failure count; results apply oldest first', () => {
    const jobs = [
      succeeded('2026-03-02T13:00:00Z', '2026-03-02T13:01:00Z', 'nightly/new.db.zst'),
      failed('2026-03-02T12:00:00Z', '2026-03-02T12:00:40Z'),
    ];
    const plan = planBackup(
      observed(backup({ status: { ...LAST, consecutiveFailures: 4 } }), jobs),
      NOW,
    );
    expect(plan.status.consecutiveFailures).toBe(0);
    expect(plan.status.lastSnapshot?.key).toBe('nightly/new.db.zst');
    expect(condition(plan.status, 'LastBackupSucceeded')?.status).toBe('True');
  });

  it('a failed Job without a readable result is JobFailed, or DeadlineExceeded', () => {
    const crashed = run('2026-03-02T12:00:00Z', {
      state: 'failed',
      completionTime: at('2026-03-02T12:05:00Z'),
      jobFailure: {
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      },
    });
    const slow = run('2026-03-02T13:00:00Z', {
      state: 'failed',
      completionTime: at('2026-03-02T13:05:00Z'),
      jobFailure: {
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
    });
    const plan = planBackup(observed(backup({ status: LAST }), [crashed, slow]), NOW);
    expect(plan.status.history?.map((h) => h.reason)).toEqual(['DeadlineExceeded', 'JobFailed']);
    expect(plan.status.history?.[1]?.message).toContain(`kubectl logs job/${crashed.name}`);
    expect(condition(plan.status, 'LastBackupSucceeded')?.reason).toBe('DeadlineExceeded');
    expect(plan.status.consecutiveFailures).toBe(2);
  });

  it('a prune error does not fail the run but warns', () => {
    const job = succeeded('2026-03-02T13:00:00Z', '2026-03-02T13:01:00Z');
    const withError = {
      ...job,
      result: {
        ...job.result!,
        retention: {
          snapshots: 9,
          totalStoredBytes: 1,
          removed: 0,
          error: 'AccessDenied on delete',
        },
      },
    };
    const plan = planBackup(observed(backup({ status: LAST }), [withError]), NOW);
    expect(condition(plan.status, 'LastBackupSucceeded')?.status).toBe('True');
    expect(plan.events.map((e) => e.reason)).toEqual(['BackupSucceeded', 'PruneFailed']);
  });

  it('keeps at most STATUS_LIMITS.history entries, newest first', () => {
    const jobs = Array.from({ length: STATUS_LIMITS.history + 3 }, (_, i) => {
      const hour = String(i).padStart(2, '0');
      return failed(`2026-03-01T${hour}:00:00Z`, `2026-03-01T${hour}:00:30Z`);
    });
    const plan = planBackup(observed(backup({ status: LAST }), jobs), NOW);
    expect(plan.status.history).toHaveLength(STATUS_LIMITS.history);
    expect(plan.status.history?.[0]?.job).toBe(`nightly-${minutes('2026-03-01T22:00:00Z')}`);
  });

  it('no finished run yet: LastBackupSucceeded Unknown', () => {
    const plan = planBackup(observed(backup({ status: LAST })), NOW);
    expect(condition(plan.status, 'LastBackupSucceeded')).toMatchObject({
      status: 'Unknown',
      reason: 'NoSuccessYet',
    });
  });
});
