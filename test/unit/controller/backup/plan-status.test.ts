import { FINALIZER, type EtcdBackupStatus } from '../../../../src/api/v1alpha1/index.js';
import { findCondition } from '../../../../src/domain/conditions.js';
import { planBackup, type BackupPlan } from '../../../../src/controller/backup/plan.js';
import { REFERENCE_RECHECK_MS } from '../../../../src/controller/backup/plan-validation.js';
import { at, backup, failed, minutes, observed, run, succeeded, TLS_OK } from './fixtures.js';

const NOW = at('2026-03-02T13:10:00Z');
const LAST = { lastScheduleTime: '2026-03-02T13:00:00Z' };
const condition = (status: EtcdBackupStatus, type: string) =>
  findCondition(status.conditions, type);
const types = (plan: BackupPlan) => plan.actions.map((a) => a.type);
const warnings = (plan: BackupPlan) =>
  plan.events.filter((e) => e.type === 'Warning' && e.reason !== 'Stale').map((e) => e.reason);

describe('planBackup: validation', () => {
  const cases = [
    {
      name: 'invalid cron',
      spec: { schedule: 'every hour' },
      reason: 'InvalidSchedule',
      field: 'spec.schedule',
    },
    {
      name: 'unknown time zone',
      spec: { timeZone: 'Mars/Olympus' },
      reason: 'InvalidTimeZone',
      field: 'spec.timeZone',
    },
    {
      name: 'bad retention',
      spec: { retention: { maxAge: '30 days' } },
      reason: 'InvalidRetention',
      field: 'spec.retention',
    },
    {
      name: 'bad duration',
      spec: { snapshotTimeout: '1 hour' },
      reason: 'InvalidSpec',
      field: 'spec.snapshotTimeout',
    },
  ];
  it.each(cases)(
    '$name: Ready False $reason, no run, no hot requeue',
    ({ spec, reason, field }) => {
      const plan = planBackup(observed(backup({ spec })), NOW);
      expect(condition(plan.status, 'Ready')).toMatchObject({ status: 'False', reason });
      expect(condition(plan.status, 'Ready')?.message).toContain(field);
      expect(types(plan)).toEqual([]);
      expect(plan.requeueAfterMs).toBeUndefined();
      expect(plan.status.nextScheduleTime).toBeUndefined();
      expect(warnings(plan)).toEqual([reason]);
    },
  );

  it('the warning is emitted once across two plans', () => {
    const b = backup({ spec: { schedule: '61 * * * *' } });
    const first = planBackup(observed(b), NOW);
    const second = planBackup(
      observed(backup({ spec: b.spec, status: first.status })),
      at('2026-03-02T14:10:00Z'),
    );
    expect(warnings(first)).toEqual(['InvalidSchedule']);
    expect(warnings(second)).toEqual([]);
    expect(condition(second.status, 'Ready')?.lastTransitionTime).toBe('2026-03-02T13:10:00Z');
  });

  it('a missing Secret: SecretNotFound naming the fix, checked again in a minute', () => {
    const missing = { ...TLS_OK, found: false, missingKeys: TLS_OK.keys };
    const plan = planBackup(observed(backup({ status: LAST }), [], { references: [missing] }), NOW);
    const ready = condition(plan.status, 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(ready?.message).toContain(
      'Secret "etcd-client" (spec.etcd.tlsSecretRef) does not exist',
    );
    expect(types(plan)).toEqual([]);
    expect(plan.requeueAfterMs).toBe(REFERENCE_RECHECK_MS);
  });

  it('a missing key names the key', () => {
    const noKey = { ...TLS_OK, missingKeys: ['tls.key'] };
    const plan = planBackup(observed(backup({ status: LAST }), [], { references: [noKey] }), NOW);
    expect(condition(plan.status, 'Ready')?.message).toContain('has no key tls.key');
  });

  it('valid: Ready True, Scheduled', () => {
    const plan = planBackup(observed(backup({ status: LAST })), NOW);
    expect(condition(plan.status, 'Ready')).toMatchObject({ status: 'True', reason: 'Scheduled' });
  });
});

describe('planBackup: suspend and staleness', () => {
  it('suspend: no runs, Suspended True, one event, no nextScheduleTime', () => {
    const b = backup({
      spec: { suspend: true },
      status: { lastScheduleTime: '2026-03-02T10:00:00Z' },
    });
    const plan = planBackup(observed(b), NOW);
    expect(types(plan)).toEqual([]);
    expect(condition(plan.status, 'Suspended')).toMatchObject({
      status: 'True',
      reason: 'Suspended',
    });
    expect(plan.status.nextScheduleTime).toBeUndefined();
    expect(plan.events.filter((e) => e.reason === 'Suspended')).toHaveLength(1);
    const again = planBackup(observed(backup({ spec: b.spec, status: plan.status })), NOW);
    expect(again.events.filter((e) => e.reason === 'Suspended')).toEqual([]);
    const resumed = planBackup(observed(backup({ status: plan.status })), NOW);
    expect(condition(resumed.status, 'Suspended')).toMatchObject({
      status: 'False',
      reason: 'Resumed',
    });
    expect(resumed.events.map((e) => e.reason)).toContain('Resumed');
  });

  it('fresh: Stale False, requeued for the moment it would turn stale', () => {
    const status = { ...LAST, lastSuccessfulTime: '2026-03-02T13:01:00Z' };
    const plan = planBackup(observed(backup({ spec: { staleAfter: '26h' }, status })), NOW);
    expect(condition(plan.status, 'Stale')).toMatchObject({ status: 'False', reason: 'Fresh' });
    const nextRun = Date.parse('2026-03-02T14:00:00Z') + 100 - NOW.getTime();
    expect(plan.requeueAfterMs).toBe(nextRun);
  });

  it('the last success older than staleAfter: Stale True and a warning, once', () => {
    const status = { ...LAST, lastSuccessfulTime: '2026-03-01T10:00:00Z' };
    const plan = planBackup(observed(backup({ spec: { staleAfter: '26h' }, status })), NOW);
    expect(condition(plan.status, 'Stale')).toMatchObject({ status: 'True', reason: 'Stale' });
    expect(plan.events.map((e) => e.reason)).toEqual(['Stale']);
    const again = planBackup(
      observed(backup({ spec: { staleAfter: '26h' }, status: plan.status })),
      NOW,
    );
    expect(again.events).toEqual([]);
  });

  it('the default staleAfter derives from the schedule: two intervals plus the run timeout', () => {
    const hourly = { ...LAST, lastSuccessfulTime: '2026-03-02T10:15:00Z' };
    expect(
      condition(planBackup(observed(backup({ status: hourly })), NOW).status, 'Stale')?.status,
    ).toBe('False');
    const older = { ...LAST, lastSuccessfulTime: '2026-03-02T10:05:00Z' };
    const plan = planBackup(observed(backup({ status: older })), NOW);
    expect(condition(plan.status, 'Stale')).toMatchObject({ status: 'True', reason: 'Stale' });
    expect(condition(plan.status, 'Stale')?.message).toContain(
      'staleAfter 3h (derived from the schedule)',
    );
  });

  it('never succeeded for longer than staleAfter: Stale True, NoSuccessYet', () => {
    const plan = planBackup(observed(backup({ status: LAST })), NOW);
    expect(condition(plan.status, 'Stale')).toMatchObject({
      status: 'True',
      reason: 'NoSuccessYet',
    });
  });
});

describe('planBackup: Job history limits', () => {
  it('deletes the oldest finished Jobs beyond the limits, once their results are persisted', () => {
    const jobs = [
      succeeded('2026-03-02T09:00:00Z', '2026-03-02T09:01:00Z'),
      succeeded('2026-03-02T10:00:00Z', '2026-03-02T10:01:00Z'),
      failed('2026-03-02T11:00:00Z', '2026-03-02T11:01:00Z'),
      succeeded('2026-03-02T12:00:00Z', '2026-03-02T12:01:00Z'),
      run('2026-03-02T13:00:00Z'),
    ];
    const b = backup({
      spec: { successfulRunsHistoryLimit: 1, failedRunsHistoryLimit: 1 },
      status: LAST,
    });
    const first = planBackup(observed(b), NOW); // nothing recorded yet: nothing deleted
    expect(types(first)).toEqual([]);
    const recording = planBackup(observed(b, jobs), NOW);
    expect(types(recording)).toEqual([]);
    const persisted = backup({ spec: b.spec, status: recording.status });
    const plan = planBackup(observed(persisted, jobs), NOW);
    expect(plan.actions).toEqual([
      {
        type: 'DeleteJob',
        jobName: `nightly-${minutes('2026-03-02T09:00:00Z')}`,
        propagationPolicy: 'Background',
        why: 'history-limit',
      },
      {
        type: 'DeleteJob',
        jobName: `nightly-${minutes('2026-03-02T10:00:00Z')}`,
        propagationPolicy: 'Background',
        why: 'history-limit',
      },
    ]);
    expect(plan.status.active).toEqual([
      { name: `nightly-${minutes('2026-03-02T13:00:00Z')}`, startTime: '2026-03-02T13:00:00Z' },
    ]);
  });
});

describe('planBackup: deletionPolicy and deletion', () => {
  const deleting = (status: EtcdBackupStatus = LAST, finalizers = [FINALIZER]) =>
    backup({
      spec: { deletionPolicy: 'Delete' },
      metadata: { deletionTimestamp: '2026-03-02T13:09:00Z', finalizers },
      status,
    });
  const cleanupJob = (patch: object) => ({
    name: 'nightly-delete',
    state: 'active' as const,
    deleting: false,
    ...patch,
  });

  it('Delete adds the finalizer; Retain never does and releases an old one', () => {
    expect(
      types(
        planBackup(observed(backup({ spec: { deletionPolicy: 'Delete' }, status: LAST })), NOW),
      ),
    ).toEqual(['AddFinalizer']);
    expect(types(planBackup(observed(backup({ status: LAST })), NOW))).toEqual([]);
    const held = backup({ metadata: { finalizers: [FINALIZER] }, status: LAST });
    expect(types(planBackup(observed(held), NOW))).toEqual(['RemoveFinalizer']);
  });

  it('the finalizer is added before a run is created', () => {
    const plan = planBackup(
      observed(backup({ spec: { deletionPolicy: 'Delete' } })),
      at('2026-03-01T01:00:10Z'),
    );
    expect(types(plan)).toEqual(['AddFinalizer', 'CreateRun']);
  });

  it('deleting: active runs are stopped first, nothing new starts', () => {
    const plan = planBackup(
      observed(deleting(), [run('2026-03-02T13:00:00Z')]),
      at('2026-03-02T15:00:30Z'),
    );
    expect(plan.actions).toEqual([
      {
        type: 'DeleteJob',
        jobName: `nightly-${minutes('2026-03-02T13:00:00Z')}`,
        propagationPolicy: 'Background',
        why: 'backup-deleted',
      },
    ]);
    expect(condition(plan.status, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'DeletingSnapshots',
    });
  });

  it('then the cleanup Job, then the finalizer goes when it succeeded', () => {
    const start = planBackup(observed(deleting()), NOW);
    expect(start.actions).toEqual([{ type: 'RunCleanupJob', jobName: 'nightly-delete' }]);
    expect(start.events.map((e) => e.reason)).toEqual(['DeletingSnapshots']);
    const running = planBackup(
      observed(deleting(start.status), [], { cleanup: cleanupJob({}) }),
      NOW,
    );
    expect(running.actions).toEqual([]);
    const done = planBackup(
      observed(deleting(running.status), [], { cleanup: cleanupJob({ state: 'succeeded' }) }),
      NOW,
    );
    expect(done.actions).toEqual([{ type: 'RemoveFinalizer', finalizer: FINALIZER }]);
  });

  it('a failed cleanup keeps the finalizer and says how to retry or let go', () => {
    const cleanup = cleanupJob({
      state: 'failed',
      jobFailure: { reason: 'BackoffLimitExceeded', message: 'AccessDenied' },
    });
    const plan = planBackup(observed(deleting(), [], { cleanup }), NOW);
    expect(plan.actions).toEqual([]);
    const ready = condition(plan.status, 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'DeleteFailed' });
    expect(ready?.message).toContain('Delete Job nightly-delete to retry');
    expect(plan.events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Warning/DeleteFailed']);
  });

  it('Retain while deleting: the finalizer is released at once', () => {
    const b = deleting();
    b.spec.deletionPolicy = 'Retain';
    expect(types(planBackup(observed(b), NOW))).toEqual(['RemoveFinalizer']);
  });
});
