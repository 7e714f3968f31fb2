import type { Schedule } from './cron-expression.js';

export { isScheduleError, parseSchedule, ScheduleError, type Schedule } from './cron-expression.js';

/**
 * When a schedule's runs are due, as pure functions of (schedule, times):
 * never the clock, so a reconcile can be replayed with any `now`.
 *
 * The missed-run count follows the Kubernetes CronJob controller: unmet
 * times are those strictly after the last schedule time (or the creation
 * time) and at or before `now`; with `startingDeadlineSeconds`, times before
 * `now - deadline` are not counted at all. More than 100 unmet times means the
 * status or the clock is wrong: the most recent is still returned (as the v2
 * controller does) and `tooMany` asks the caller for a warning Event.
 */

/** More unmet start times than this is reported as `tooMany`. */
export const MAX_MISSED = 100;
/** Added to every run the stale default allows for, when the caller has no job timeout. */
export const DEFAULT_RUN_ALLOWANCE_MS = 3_600_000;
/** Runs sampled to find a schedule's longest interval (covers weekends, short months). */
const STALE_SAMPLE_RUNS = 20;

/** The first schedule time strictly after `t`; undefined when there is none (past year 3000). */
export function nextTimeAfter(schedule: Schedule, t: Date): Date | undefined {
  assertDate(t, 't');
  return schedule.cron.nextRun(t) ?? undefined;
}

/** The last schedule time at or before `t`. */
export function previousTimeAtOrBefore(schedule: Schedule, t: Date): Date | undefined {
  assertDate(t, 't');
  // croner excludes a run at exactly its (whole-second) reference, so look 1 ms later.
  const [previous] = schedule.cron.previousRuns(1, new Date(t.getTime() + 1));
  return previous && previous.getTime() <= t.getTime() ? previous : undefined;
}

export interface MostRecentInput {
  readonly schedule: Schedule;
  readonly creationTime: Date;
  readonly lastScheduleTime?: Date;
  readonly startingDeadlineSeconds?: number;
  readonly now: Date;
}

export interface MostRecent {
  /** The latest unmet schedule time, if any: the one to run now. */
  readonly mostRecent?: Date;
  /** Unmet times, `mostRecent` included. Exact up to MAX_MISSED, estimated above it. */
  readonly missed: number;
  readonly tooMany: boolean;
}

/**
 * The latest unmet schedule time and how many were missed. Costs at most
 * MAX_MISSED + 1 steps of the schedule however far back the start is: past that,
 * the most recent time is found by searching back from `now`, and the count is
 * extrapolated from the spacing of the first MAX_MISSED + 1 times (exact for
 * evenly spaced schedules).
 */
export function mostRecentScheduleTime(input: MostRecentInput): MostRecent {
  const { schedule, now } = input;
  assertDate(now, 'now');
  const earliest = earliestTime(input);
  if (earliest.getTime() > now.getTime()) return { missed: 0, tooMany: false }; // clock skew
  const first = nextTimeAfter(schedule, earliest);
  let mostRecent: Date | undefined;
  let missed = 0;
  for (let t = first; t && t.getTime() <= now.getTime(); t = nextTimeAfter(schedule, t)) {
    if (missed === MAX_MISSED + 1) return tooMany(schedule, now, first as Date, t);
    mostRecent = t;
    missed += 1;
  }
  return { mostRecent, missed, tooMany: missed > MAX_MISSED };
}

/**
 * The `staleAfter` used when the user sets none: a backup is stale when its
 * last good snapshot is older than two of the schedule's longest intervals
 * plus the time one run may take. Two intervals so that one failed or skipped
 * run is not yet an alarm but the second is; the longest interval (sampled
 * over the next runs after `now`) so that `0 3 * * 1-5` is not stale every
 * Monday morning; the allowance because a snapshot completes some time after
 * its scheduled start (pass the snapshot Job's timeout when known).
 */
export function defaultStaleAfterMs(
  schedule: Schedule,
  now: Date,
  runAllowanceMs = DEFAULT_RUN_ALLOWANCE_MS,
): number {
  assertDate(now, 'now');
  // Sampled from the start of the hour, so the answer is the same for an
  // hour and remembered: every reconcile asks, and the sample is 21 cron steps.
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const key = `${schedule.timeZone}\u0000${schedule.expression}\u0000${hour}`;
  let longest = longestIntervals.get(key);
  if (longest === undefined) {
    if (longestIntervals.size >= 10_000) longestIntervals.clear();
    longest = longestInterval(schedule, new Date(hour));
    longestIntervals.set(key, longest);
  }
  return 2 * longest + runAllowanceMs;
}

const HOUR_MS = 3_600_000;
const longestIntervals = new Map<string, number>();

function longestInterval(schedule: Schedule, from: Date): number {
  const runs = schedule.cron.nextRuns(STALE_SAMPLE_RUNS + 1, from);
  let longest = 0;
  for (let i = 1; i < runs.length; i += 1) {
    longest = Math.max(longest, (runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime());
  }
  return longest;
}

/**
 * Whether a backup should start a run now: the CronJob controller v2's
 * decision (`syncCronJob`), as a pure function of the spec, the status and
 * `now`. The schedule is persisted state: the caller records
 * `lastScheduleTime = scheduledTime` after 'start'/'replace' and requeues after
 * `requeueAfterMs`; no timer lives in memory.
 *
 * In order:
 * 1. Suspended: nothing; no requeue (resuming is a spec change, which
 *    triggers a reconcile). `nextScheduleTime` is still reported.
 * 2. No unmet schedule time: nothing until the next one.
 * 3. The latest unmet time is older than `startingDeadlineSeconds`:
 *    'missed-deadline', with that time in `scheduledTime` (for the Event);
 *    nothing starts and, as in the CronJob controller, `lastScheduleTime` is
 *    not moved: the next schedule time will be inside the window.
 * 4. A run is already active for this very time (the status write after
 *    creating its Job was lost): nothing.
 * 5. Another run is active: Forbid skips ('skip-forbid'; the time stays
 *    unmet, so when the active Job finishes, its event reconciles and starts
 *    it if still within the deadline, as the CronJob controller does);
 *    Replace deletes the active run and starts this one ('replace').
 * 6. Otherwise 'start' the latest unmet time; older misses are not run.
 *
 * Without a schedule the backup runs once: at its creation time, if it never
 * ran. The starting deadline does not apply to it: a deadline keeps periodic
 * runs from piling up, and a single run has nothing to pile up behind it.
 *
 * `requeueAfterMs` is the time to the next schedule time plus
 * REQUEUE_MARGIN_MS (so the reconcile lands after the time, not just before
 * it), capped at MAX_REQUEUE_MS: Node timers overflow past 24.8 days, and a
 * timer measures monotonic time, so an hourly wake-up also re-reads a wall
 * clock that was corrected in between.
 */

export type ConcurrencyPolicy = 'Forbid' | 'Replace';
export type ScheduledRunAction = 'none' | 'start' | 'skip-forbid' | 'replace' | 'missed-deadline';

export interface ScheduledRunInput {
  /** Undefined: run once. */
  readonly schedule?: Schedule;
  readonly creationTime: Date;
  readonly lastScheduleTime?: Date;
  readonly startingDeadlineSeconds?: number;
  readonly suspend: boolean;
  readonly now: Date;
  /** Runs (Jobs) not finished yet. */
  readonly active: number;
  /** The scheduled times of the active runs, when known (from their Jobs). */
  readonly activeScheduledTimes?: readonly Date[];
  readonly concurrencyPolicy: ConcurrencyPolicy;
}

export interface ScheduledRunPlan {
  readonly action: ScheduledRunAction;
  /** The run this action is about: started, replaced in, skipped or missed. */
  readonly scheduledTime?: Date;
  readonly nextScheduleTime?: Date;
  readonly requeueAfterMs?: number;
  /** Messages for warning Events. */
  readonly warnings: string[];
}

export const REQUEUE_MARGIN_MS = 100;
export const MAX_REQUEUE_MS = 3_600_000;

/** Decides what to do about one backup's schedule now; see the comment above. */
export function planScheduledRun(input: ScheduledRunInput): ScheduledRunPlan {
  const { schedule, now } = input;
  if (!schedule) return planRunOnce(input);
  const base = input.lastScheduleTime ?? input.creationTime;
  // A status time in the future is clock skew: nothing runs before it.
  const next = nextTimeAfter(schedule, base.getTime() > now.getTime() ? base : now);
  if (input.suspend) return { action: 'none', nextScheduleTime: next, warnings: [] };
  const timing = { nextScheduleTime: next, requeueAfterMs: requeueAfter(next, now) };
  const due = mostRecentScheduleTime({ ...input, schedule });
  if (!due.mostRecent) {
    const late = missedDeadline(input, schedule);
    if (!late) return { action: 'none', ...timing, warnings: [] };
    const warning =
      `missed the start time ${late.toISOString()} by more than startingDeadlineSeconds ` +
      `(${input.startingDeadlineSeconds}s); waiting for the next one` +
      (next ? ` at ${next.toISOString()}` : '');
    return { action: 'missed-deadline', scheduledTime: late, ...timing, warnings: [warning] };
  }
  const warnings = due.tooMany
    ? [
        `too many missed start times (about ${due.missed}, more than ${MAX_MISSED}); only the ` +
          'most recent runs. Set or decrease startingDeadlineSeconds or check clock skew',
      ]
    : [];
  return { ...decideStart(input, due.mostRecent), ...timing, warnings };
}

/** The latest unmet time the starting deadline excluded, if any. */
function missedDeadline(input: ScheduledRunInput, schedule: Schedule): Date | undefined {
  if (input.startingDeadlineSeconds === undefined) return undefined;
  return mostRecentScheduleTime({ ...input, schedule, startingDeadlineSeconds: undefined })
    .mostRecent;
}

function planRunOnce(input: ScheduledRunInput): ScheduledRunPlan {
  if (input.suspend || input.lastScheduleTime) return { action: 'none', warnings: [] };
  return { ...decideStart(input, input.creationTime), warnings: [] };
}

function decideStart(input: ScheduledRunInput, scheduledTime: Date) {
  const sameRun = (t: Date) => t.getTime() === scheduledTime.getTime();
  if (input.activeScheduledTimes?.some(sameRun)) return { action: 'none' as const };
  if (input.active > 0) {
    const action = input.concurrencyPolicy === 'Forbid' ? 'skip-forbid' : 'replace';
    return { action, scheduledTime } as const;
  }
  return { action: 'start', scheduledTime } as const;
}

function requeueAfter(next: Date | undefined, now: Date): number {
  if (!next) return MAX_REQUEUE_MS;
  return Math.min(MAX_REQUEUE_MS, Math.max(0, next.getTime() - now.getTime()) + REQUEUE_MARGIN_MS);
}

function earliestTime(input: MostRecentInput): Date {
  const { creationTime, lastScheduleTime, startingDeadlineSeconds, now } = input;
  const base = lastScheduleTime ?? creationTime;
  assertDate(base, lastScheduleTime ? 'lastScheduleTime' : 'creationTime');
  if (startingDeadlineSeconds === undefined) return base;
  if (!(Number.isFinite(startingDeadlineSeconds) && startingDeadlineSeconds >= 0)) {
    throw new RangeError(`startingDeadlineSeconds ${startingDeadlineSeconds} is not >= 0`);
  }
  const deadline = now.getTime() - startingDeadlineSeconds * 1000;
  return deadline > base.getTime() ? new Date(deadline) : base;
}

/** Over MAX_MISSED: `sample` is unmet time number MAX_MISSED + 2, still at or before now. */
function tooMany(schedule: Schedule, now: Date, first: Date, sample: Date): MostRecent {
  const mostRecent = previousTimeAtOrBefore(schedule, now) ?? sample;
  const spacing = (sample.getTime() - first.getTime()) / (MAX_MISSED + 1);
  const beyond = Math.round((mostRecent.getTime() - sample.getTime()) / spacing);
  return { mostRecent, missed: MAX_MISSED + 2 + beyond, tooMany: true };
}

function assertDate(date: Date, name: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${name} is not a valid date`);
  }
}
