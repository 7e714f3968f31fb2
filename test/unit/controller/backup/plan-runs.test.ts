import { RUN_NOW_ANNOTATION } from '../../../../src/api/v1alpha1/index.js';
import type { BackupAction } from '../../../../src/controller/backup/actions.js';
import { planBackup, type BackupPlan } from '../../../../src/controller/backup/plan.js';
import type { ObservedBackup } from '../../../../src/controller/backup/observation.js';
import { at, backup, minutes, observed, run } from './fixtures.js';

const types = (plan: BackupPlan) => plan.actions.map((a) => a.type);
const creates = (plan: BackupPlan) =>
  plan.actions.filter(
    (a): a is Extract<BackupAction, { type: 'CreateRun' }> => a.type === 'CreateRun',
  );
// Staleness has its own tests; these backups never succeeded, so most are stale.
const reasons = (plan: BackupPlan) =>
  plan.events.filter((e) => e.reason !== 'Stale').map((e) => `${e.type}/${e.reason}`);

describe('planBackup: scheduled runs', () => {
  interface Case {
    name: string;
    input: ObservedBackup;
    now: string;
    actions: string[];
    jobName?: string;
    lastScheduleTime?: string;
    events?: string[];
    requeueAfterMs?: number;
  }
  const cases: Case[] = [
    {
      name: 'first run of a scheduled backup',
      input: observed(backup()),
      now: '2026-03-01T01:00:10Z',
      actions: ['CreateRun'],
      jobName: `nightly-${minutes('2026-03-01T01:00:00Z')}`,
      lastScheduleTime: '2026-03-01T01:00:00Z',
      events: ['Normal/RunStarted'],
    },
    {
      name: 'nothing due: requeue for the next time',
      input: observed(backup()),
      now: '2026-03-01T00:45:00Z',
      actions: [],
      events: [],
      requeueAfterMs: 15 * 60_000 + 100,
    },
    {
      name: 'due: the deterministic name <backup>-<unix minutes>',
      input: observed(backup({ status: { lastScheduleTime: '2026-03-02T12:00:00Z' } })),
      now: '2026-03-02T13:00:05Z',
      actions: ['CreateRun'],
      jobName: 'nightly-29540940',
      lastScheduleTime: '2026-03-02T13:00:00Z',
    },
    {
      name: 'operator down 3 hours, startingDeadlineSeconds 600: one run, the most recent',
      input: observed(
        backup({
          spec: { startingDeadlineSeconds: 600 },
          status: { lastScheduleTime: '2026-03-02T10:00:00Z' },
        }),
      ),
      now: '2026-03-02T13:05:00Z',
      actions: ['CreateRun'],
      jobName: `nightly-${minutes('2026-03-02T13:00:00Z')}`,
      lastScheduleTime: '2026-03-02T13:00:00Z',
      events: ['Normal/RunStarted'],
    },
    {
      name: 'down 3 hours without a deadline: still one run, not three',
      input: observed(backup({ status: { lastScheduleTime: '2026-03-02T10:00:00Z' } })),
      now: '2026-03-02T13:05:00Z',
      actions: ['CreateRun'],
      jobName: `nightly-${minutes('2026-03-02T13:00:00Z')}`,
    },
    {
      name: 'the latest time is past the starting deadline: a warning, no run',
      input: observed(
        backup({
          spec: { startingDeadlineSeconds: 600 },
          status: { lastScheduleTime: '2026-03-02T10:00:00Z' },
        }),
      ),
      now: '2026-03-02T13:15:00Z',
      actions: [],
      lastScheduleTime: '2026-03-02T10:00:00Z',
      events: ['Warning/StartingDeadlineMissed'],
    },
    {
      name: 'more than 100 missed: a warning, and the most recent runs',
      input: observed(backup({ status: { lastScheduleTime: '2026-02-20T00:00:00Z' } })),
      now: '2026-03-02T13:05:00Z',
      actions: ['CreateRun'],
      jobName: `nightly-${minutes('2026-03-02T13:00:00Z')}`,
      events: ['Warning/TooManyMissedSchedules', 'Normal/RunStarted'],
    },
    {
      name: 'Forbid with an active Job: skipped, with an event',
      input: observed(backup({ status: { lastScheduleTime: '2026-03-02T12:00:00Z' } }), [
        run('2026-03-02T12:00:00Z'),
      ]),
      now: '2026-03-02T13:00:05Z',
      actions: [],
      lastScheduleTime: '2026-03-02T12:00:00Z',
      events: ['Normal/ConcurrencyForbidden'],
    },
    {
      name: 'Replace with an active Job: delete it, then create',
      input: observed(
        backup({
          spec: { concurrencyPolicy: 'Replace' },
          status: { lastScheduleTime: '2026-03-02T12:00:00Z' },
        }),
        [run('2026-03-02T12:00:00Z')],
      ),
      now: '2026-03-02T13:00:05Z',
      actions: ['DeleteJob', 'CreateRun'],
      jobName: `nightly-${minutes('2026-03-02T13:00:00Z')}`,
      events: ['Normal/Replaced', 'Normal/RunStarted'],
    },
    {
      name: 'the Job for this time already runs (a status write was lost): nothing',
      input: observed(backup({ status: { lastScheduleTime: '2026-03-02T12:00:00Z' } }), [
        run('2026-03-02T13:00:00Z'),
      ]),
      now: '2026-03-02T13:00:30Z',
      actions: [],
      lastScheduleTime: '2026-03-02T13:00:00Z',
      events: [],
    },
    {
      name: 'no schedule: runs once, named for the creation time',
      input: observed(backup({ spec: { schedule: undefined } })),
      now: '2026-03-01T00:30:05Z',
      actions: ['CreateRun'],
      jobName: `nightly-${minutes('2026-03-01T00:30:00Z')}`,
      lastScheduleTime: '2026-03-01T00:30:00Z',
    },
    {
      name: 'no schedule, already ran: nothing',
      input: observed(
        backup({
          spec: { schedule: undefined },
          status: { lastScheduleTime: '2026-03-01T00:30:00Z' },
        }),
      ),
      now: '2026-03-05T00:00:00Z',
      actions: [],
    },
  ];

  it.each(cases)('$name', (c) => {
    const plan = planBackup(c.input, at(c.now));
    expect(types(plan)).toEqual(c.actions);
    if (c.jobName) expect(creates(plan)[0]?.jobName).toBe(c.jobName);
    if (c.lastScheduleTime) expect(plan.status.lastScheduleTime).toBe(c.lastScheduleTime);
    if (c.events) expect(reasons(plan)).toEqual(c.events);
    if (c.requeueAfterMs !== undefined) expect(plan.requeueAfterMs).toBe(c.requeueAfterMs);
  });

  it('lists the started run as active, and the replaced one no longer', () => {
    const input = observed(
      backup({
        spec: { concurrencyPolicy: 'Replace' },
        status: { lastScheduleTime: '2026-03-02T12:00:00Z' },
      }),
      [run('2026-03-02T12:00:00Z')],
    );
    const plan = planBackup(input, at('2026-03-02T13:00:05Z'));
    expect(plan.status.active).toEqual([{ name: `nightly-${minutes('2026-03-02T13:00:00Z')}` }]);
    expect(plan.actions[0]).toMatchObject({
      type: 'DeleteJob',
      jobName: `nightly-${minutes('2026-03-02T12:00:00Z')}`,
    });
  });

  it('reports nextScheduleTime and observedGeneration', () => {
    const plan = planBackup(
      observed(backup({ metadata: { generation: 7 } })),
      at('2026-03-01T00:45:00Z'),
    );
    expect(plan.status.nextScheduleTime).toBe('2026-03-01T01:00:00Z');
    expect(plan.status.observedGeneration).toBe(7);
    expect(plan.status.conditions?.every((c) => c.observedGeneration === 7)).toBe(true);
  });

  it('a second plan after the status write starts nothing more', () => {
    const now = at('2026-03-01T01:00:10Z');
    const first = planBackup(observed(backup()), now);
    const created = creates(first)[0]!;
    const again = planBackup(
      observed(backup({ status: first.status }), [
        run('2026-03-01T01:00:00Z', { name: created.jobName }),
      ]),
      at('2026-03-01T01:00:20Z'),
    );
    expect(again.actions).toEqual([]);
    expect(again.events).toEqual([]);
  });
});

describe('planBackup: run-now', () => {
  const NOW = '2026-03-02T13:20:00Z';
  const withToken = (token: string, status = { lastScheduleTime: '2026-03-02T13:00:00Z' }) =>
    backup({ metadata: { annotations: { [RUN_NOW_ANNOTATION]: token } }, status });

  it('a new token starts one run, named apart from the scheduled Job of the same minute', () => {
    const plan = planBackup(observed(withToken('t1')), at(NOW));
    expect(creates(plan)).toEqual([
      {
        type: 'CreateRun',
        jobName: `nightly-n${minutes(NOW)}`,
        scheduledTime: at(NOW),
        trigger: 'run-now',
        runNowToken: 't1',
      },
    ]);
    expect(plan.status.lastRunNowToken).toBe('t1');
    expect(`nightly-n${minutes(NOW)}`).not.toBe(`nightly-${minutes(NOW)}`);
  });

  it('the same token again starts nothing', () => {
    const first = planBackup(observed(withToken('t1')), at(NOW));
    const second = planBackup(
      observed(withToken('t1', first.status as never)),
      at('2026-03-02T13:21:30Z'),
    );
    expect(creates(second)).toEqual([]);
  });

  it('a Job stamped with the token (status write lost) is recognised, not started again', () => {
    const stamped = run(NOW, {
      name: `nightly-n${minutes(NOW)}`,
      trigger: 'run-now',
      runNowToken: 't1',
    });
    const plan = planBackup(observed(withToken('t1'), [stamped]), at('2026-03-02T13:22:00Z'));
    expect(creates(plan)).toEqual([]);
    expect(plan.status.lastRunNowToken).toBe('t1');
  });

  it('waits while another run is active, without consuming the token', () => {
    const plan = planBackup(observed(withToken('t2'), [run('2026-03-02T13:00:00Z')]), at(NOW));
    expect(creates(plan)).toEqual([]);
    expect(plan.status.lastRunNowToken).toBeUndefined();
    expect(reasons(plan)).toEqual(['Normal/RunNowWaiting']);
  });

  it('runs even when suspended, as kubectl create job --from=cronjob does', () => {
    const b = withToken('t3');
    b.spec.suspend = true;
    expect(creates(planBackup(observed(b), at(NOW)))).toHaveLength(1);
  });

  it('does not run while the spec is invalid, and keeps the token for later', () => {
    const b = withToken('t4');
    b.spec.schedule = 'every hour';
    const plan = planBackup(observed(b), at(NOW));
    expect(creates(plan)).toEqual([]);
    expect(plan.status.lastRunNowToken).toBeUndefined();
  });
});
