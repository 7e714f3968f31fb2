import {
  MAX_REQUEUE_MS,
  mostRecentScheduleTime,
  parseSchedule,
  planScheduledRun,
  ScheduleError,
  type Schedule,
  type ScheduledRunInput,
} from '../../../src/domain/schedule.js';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const hoursBefore = (iso: string, hours: number) => new Date(Date.parse(iso) - hours * HOUR);

function schedule(expression: string, timeZone?: string): Schedule {
  const parsed = parseSchedule(expression, timeZone);
  if (parsed instanceof ScheduleError) throw parsed;
  return parsed;
}

const HOURLY = schedule('0 * * * *');
const CREATED = at('2026-03-01T00:30:00Z');

describe('mostRecentScheduleTime', () => {
  interface Case {
    name: string;
    schedule?: Schedule;
    creationTime?: Date;
    lastScheduleTime?: Date;
    startingDeadlineSeconds?: number;
    now: string;
    mostRecent?: string;
    missed: number;
    tooMany?: boolean;
  }
  const cases: Case[] = [
    { name: 'never run, nothing due yet', now: '2026-03-01T00:45:00Z', missed: 0 },
    {
      name: 'never run, the first time is due',
      now: '2026-03-01T01:00:10Z',
      mostRecent: '2026-03-01T01:00:00Z',
      missed: 1,
    },
    {
      name: 'on time: the due time is exactly now',
      lastScheduleTime: at('2026-03-02T12:00:00Z'),
      now: '2026-03-02T13:00:00Z',
      mostRecent: '2026-03-02T13:00:00Z',
      missed: 1,
    },
    {
      name: 'on time, already started: nothing unmet',
      lastScheduleTime: at('2026-03-02T13:00:00Z'),
      now: '2026-03-02T13:00:00.100Z',
      missed: 0,
    },
    {
      name: 'missed one: two unmet, the latest is returned',
      lastScheduleTime: at('2026-03-02T11:00:00Z'),
      now: '2026-03-02T13:30:00Z',
      mostRecent: '2026-03-02T13:00:00Z',
      missed: 2,
    },
    {
      name: 'exactly 100 unmet is not too many',
      lastScheduleTime: hoursBefore('2026-03-10T13:00:00Z', 100),
      now: '2026-03-10T13:30:00Z',
      mostRecent: '2026-03-10T13:00:00Z',
      missed: 100,
    },
    {
      name: '101 unmet is too many',
      lastScheduleTime: hoursBefore('2026-03-10T13:00:00Z', 101),
      now: '2026-03-10T13:30:00Z',
      mostRecent: '2026-03-10T13:00:00Z',
      missed: 101,
      tooMany: true,
    },
    {
      name: 'missed 150: too many, the most recent still returned',
      lastScheduleTime: hoursBefore('2026-03-10T13:00:00Z', 150),
      now: '2026-03-10T13:30:00Z',
      mostRecent: '2026-03-10T13:00:00Z',
      missed: 150,
      tooMany: true,
    },
    {
      name: 'the deadline clamps old misses away',
      lastScheduleTime: hoursBefore('2026-03-10T13:00:00Z', 150),
      startingDeadlineSeconds: 3600,
      now: '2026-03-10T13:30:00Z',
      mostRecent: '2026-03-10T13:00:00Z',
      missed: 1,
    },
    {
      name: 'the deadline excludes the only unmet time',
      lastScheduleTime: at('2026-03-02T12:00:00Z'),
      startingDeadlineSeconds: 600,
      now: '2026-03-02T13:30:00Z',
      missed: 0,
    },
    {
      name: 'a deadline older than the last time changes nothing',
      lastScheduleTime: at('2026-03-02T12:00:00Z'),
      startingDeadlineSeconds: 86_400,
      now: '2026-03-02T13:30:00Z',
      mostRecent: '2026-03-02T13:00:00Z',
      missed: 1,
    },
    {
      name: 'lastScheduleTime in the future (clock skew): no run',
      lastScheduleTime: at('2026-03-02T15:00:00Z'),
      now: '2026-03-02T13:30:00Z',
      missed: 0,
    },
    {
      name: 'creationTime in the future (clock skew): no run',
      creationTime: at('2026-03-02T15:00:00Z'),
      now: '2026-03-02T13:30:00Z',
      missed: 0,
    },
    {
      name: 'an uneven schedule is counted exactly (weekdays over 3 weeks)',
      schedule: schedule('0 9 * * 1-5'),
      lastScheduleTime: at('2026-03-01T00:00:00Z'),
      now: '2026-03-21T12:00:00Z',
      mostRecent: '2026-03-20T09:00:00Z',
      missed: 15,
    },
    {
      name: 'too many on an uneven schedule: the most recent is exact',
      schedule: schedule('0 9 * * 1-5'),
      lastScheduleTime: at('2025-01-01T00:00:00Z'),
      now: '2026-03-21T12:00:00Z',
      mostRecent: '2026-03-20T09:00:00Z',
      // Estimated from the first 102 times' spacing; exact is 261 (2025) + 57 (2026).
      missed: 318,
      tooMany: true,
    },
  ];
  it.each(cases)('$name', (c) => {
    const result = mostRecentScheduleTime({
      schedule: c.schedule ?? HOURLY,
      creationTime: c.creationTime ?? CREATED,
      lastScheduleTime: c.lastScheduleTime,
      startingDeadlineSeconds: c.startingDeadlineSeconds,
      now: at(c.now),
    });
    expect(result.mostRecent?.toISOString()).toBe(c.mostRecent && at(c.mostRecent).toISOString());
    expect(result.missed).toBe(c.missed);
    expect(result.tooMany).toBe(c.tooMany ?? false);
  });

  it('stays fast for * * * * * a year behind', () => {
    const started = performance.now();
    const result = mostRecentScheduleTime({
      schedule: schedule('* * * * *'),
      creationTime: at('2025-03-10T13:30:00Z'),
      now: at('2026-03-10T13:30:30Z'),
    });
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.mostRecent?.toISOString()).toBe('2026-03-10T13:30:00.000Z');
    expect(result.missed).toBe(365 * 24 * 60);
    expect(result.tooMany).toBe(true);
  });

  it('refuses a negative deadline and invalid dates', () => {
    const base = { schedule: HOURLY, creationTime: CREATED, now: at('2026-03-02T00:00:00Z') };
    expect(() => mostRecentScheduleTime({ ...base, startingDeadlineSeconds: -1 })).toThrow(
      RangeError,
    );
    expect(() => mostRecentScheduleTime({ ...base, now: new Date(NaN) })).toThrow(RangeError);
  });
});

describe('planScheduledRun', () => {
  const NOW = '2026-03-02T13:30:00Z';
  const base: ScheduledRunInput = {
    schedule: HOURLY,
    creationTime: CREATED,
    lastScheduleTime: at('2026-03-02T12:00:00Z'),
    suspend: false,
    now: at(NOW),
    active: 0,
    concurrencyPolicy: 'Forbid',
  };
  const HALF_HOUR_AND_MARGIN = 30 * 60_000 + 100;
  interface Case {
    name: string;
    input: Partial<ScheduledRunInput>;
    action: string;
    scheduledTime?: string;
    nextScheduleTime?: string;
    requeueAfterMs?: number;
    warnings?: string[];
  }
  const cases: Case[] = [
    {
      name: 'due: start the latest unmet time',
      input: {},
      action: 'start',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'suspended: nothing, next time still reported, no requeue',
      input: { suspend: true },
      action: 'none',
      nextScheduleTime: '2026-03-02T14:00:00Z',
    },
    {
      name: 'nothing unmet: wait for the next time',
      input: { lastScheduleTime: at('2026-03-02T13:00:00Z') },
      action: 'none',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'Forbid with an active run: skip, requeue at the next time',
      input: { active: 1 },
      action: 'skip-forbid',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'Replace with an active run: replace it',
      input: { active: 1, concurrencyPolicy: 'Replace' },
      action: 'replace',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'the active run is this very time (status write lost): nothing',
      input: {
        active: 1,
        concurrencyPolicy: 'Replace',
        activeScheduledTimes: [at('2026-03-02T13:00:00Z')],
      },
      action: 'none',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'past the starting deadline: missed-deadline, nothing starts',
      input: { startingDeadlineSeconds: 600 },
      action: 'missed-deadline',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
      warnings: [
        'missed the start time 2026-03-02T13:00:00.000Z by more than startingDeadlineSeconds (600s); waiting for the next one at 2026-03-02T14:00:00.000Z',
      ],
    },
    {
      name: 'within the starting deadline: start',
      input: { startingDeadlineSeconds: 3600 },
      action: 'start',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'a deadline with nothing unmet: nothing',
      input: { startingDeadlineSeconds: 600, lastScheduleTime: at('2026-03-02T13:00:00Z') },
      action: 'none',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
    },
    {
      name: 'too many missed: start the latest, with a warning',
      input: { lastScheduleTime: hoursBefore('2026-03-02T13:00:00Z', 150) },
      action: 'start',
      scheduledTime: '2026-03-02T13:00:00Z',
      nextScheduleTime: '2026-03-02T14:00:00Z',
      requeueAfterMs: HALF_HOUR_AND_MARGIN,
      warnings: [
        'too many missed start times (about 150, more than 100); only the most recent runs. Set or decrease startingDeadlineSeconds or check clock skew',
      ],
    },
    {
      name: 'clock skew: lastScheduleTime ahead of now, next time after it, requeue capped',
      input: { lastScheduleTime: at('2026-03-02T15:00:00Z') },
      action: 'none',
      nextScheduleTime: '2026-03-02T16:00:00Z',
      requeueAfterMs: MAX_REQUEUE_MS,
    },
    {
      name: 'a yearly schedule requeues after at most an hour',
      input: { schedule: schedule('@yearly'), lastScheduleTime: at('2026-01-01T00:00:00Z') },
      action: 'none',
      nextScheduleTime: '2027-01-01T00:00:00Z',
      requeueAfterMs: MAX_REQUEUE_MS,
    },
    {
      name: 'run once, never run: start at the creation time',
      input: { schedule: undefined, lastScheduleTime: undefined },
      action: 'start',
      scheduledTime: CREATED.toISOString(),
    },
    {
      name: 'run once, never run, the deadline does not apply',
      input: { schedule: undefined, lastScheduleTime: undefined, startingDeadlineSeconds: 10 },
      action: 'start',
      scheduledTime: CREATED.toISOString(),
    },
    {
      name: 'run once, already run: nothing',
      input: { schedule: undefined, lastScheduleTime: CREATED },
      action: 'none',
    },
    {
      name: 'run once, suspended: nothing',
      input: { schedule: undefined, lastScheduleTime: undefined, suspend: true },
      action: 'none',
    },
    {
      name: 'run once, Forbid with an active run (a run-now Job): skip',
      input: { schedule: undefined, lastScheduleTime: undefined, active: 1 },
      action: 'skip-forbid',
      scheduledTime: CREATED.toISOString(),
    },
  ];
  it.each(cases)('$name', (c) => {
    const plan = planScheduledRun({ ...base, ...c.input });
    expect(plan.action).toBe(c.action);
    expect(plan.scheduledTime?.toISOString()).toBe(
      c.scheduledTime && at(c.scheduledTime).toISOString(),
    );
    expect(plan.nextScheduleTime?.toISOString()).toBe(
      c.nextScheduleTime && at(c.nextScheduleTime).toISOString(),
    );
    expect(plan.requeueAfterMs).toBe(c.requeueAfterMs);
    expect(plan.warnings).toEqual(c.warnings ?? []);
  });
});
