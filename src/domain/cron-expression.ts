import { Cron } from 'croner';
import { ProjectError } from '../api/errors.js';

/**
 * Parsing and validation of a backup's `schedule` and `timeZone`, as the
 * Kubernetes CronJob controller accepts them: standard 5-field cron
 * (minute hour day-of-month month day-of-week, with `*`, lists, ranges, steps
 * and month/day names) or one of the macros below. Anything else is refused
 * with a message naming what is accepted, rather than guessed at:
 *
 * - 6-field cron (seconds) and croner's extensions (`L`, `W`, `#`, `+`): the
 *   controller works at minute granularity, Job names carry Unix minutes, and
 *   a schedule that means something different elsewhere is a trap.
 * - `@every` and `@reboot`: not cron times; a backup has no "boot".
 * - `TZ=`/`CRON_TZ=` prefixes: the CronJob controller rejects them too; the
 *   zone belongs in `timeZone`, where it is validated.
 *
 * A schedule without a time zone runs in UTC, never in the operator host's
 * zone, so the same object schedules the same wherever the operator runs.
 *
 * Times come from croner with Vixie cron semantics:
 * - day-of-month and day-of-week are OR-ed when both are restricted
 *   (`0 0 1 * 1` runs on the 1st and on every Monday);
 * - DST, with `fixedTimeRule: 'no-wildcard'` (as Vixie cron classifies jobs):
 *   a job with no `*` or step in its minute and hour fields is fixed-time. In a
 *   spring-forward gap it runs once, at the first valid time after the gap
 *   (`30 2 * * *` in America/New_York on 2026-03-08 runs at 03:00 EDT); on a
 *   fall-back day it runs once, at the first occurrence. Interval jobs
 *   (`*\/15 * * * *`) skip times in a gap and run on both passes of a repeated
 *   hour, because each pass is a real quarter-hour.
 */

/** A validated schedule; compute its times with the functions in schedule.ts. */
export interface Schedule {
  /** As the user wrote it. */
  readonly expression: string;
  /** The IANA zone its times are read in; `UTC` when none was given. */
  readonly timeZone: string;
  /** @internal croner, configured as described in the module comment. */
  readonly cron: Cron;
}

export type ScheduleErrorReason = 'InvalidSchedule' | 'InvalidTimeZone';

/** Why a schedule or time zone was refused; `reason` is a stable condition reason. */
export class ScheduleError extends ProjectError {
  override readonly name = 'ScheduleError';
  readonly category = 'usage';
  constructor(
    readonly code: ScheduleErrorReason,
    message: string,
  ) {
    super(message);
  }

  /** The same as `code`: a stable condition reason. */
  override get reason(): ScheduleErrorReason {
    return this.code;
  }
}

export const SCHEDULE_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const ACCEPTED = `use 5-field cron "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *") or one of ${Object.keys(SCHEDULE_MACROS).join(', ')}`;
const FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const MONTHS = /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC/gi;
const DAYS = /SUN|MON|TUE|WED|THU|FRI|SAT/gi;
const STANDARD_FIELD = /^[0-9*,/-]+$/;
/** Any day matched by a standard cron repeats within 8 years (29 February, skipping 2100). */
const NEVER_PROBE = new Date(Date.UTC(2000, 0, 1));

const parsed = new Map<string, Schedule | ScheduleError>();
/** Distinct (schedule, time zone) pairs remembered; a cluster has far fewer. */
const PARSED_LIMIT = 10_000;

/**
 * Validates a schedule and an optional IANA time zone; returns (never throws)
 * a ScheduleError. Results are immutable and depend only on the arguments, so
 * they are remembered: every reconcile of every EtcdBackup parses its
 * schedule, and building a Cron is the costly part.
 */
export function parseSchedule(schedule: string, timeZone?: string): Schedule | ScheduleError {
  const key = JSON.stringify([schedule, timeZone ?? null]);
  let result = parsed.get(key);
  if (!result) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    result = parseScheduleUncached(schedule, timeZone);
    parsed.set(key, result);
  }
  return result;
}

function parseScheduleUncached(schedule: string, timeZone?: string): Schedule | ScheduleError {
  const zone = timeZoneProblem(timeZone);
  if (zone) return new ScheduleError('InvalidTimeZone', zone);
  const expression = schedule.trim();
  const fail = (detail: string) =>
    new ScheduleError('InvalidSchedule', `invalid schedule "${schedule}": ${detail}`);
  const problem = expressionProblem(expression);
  if (problem) return fail(problem);
  const pattern = macroPattern(expression) ?? expression.split(/\s+/).join(' ');
  let cron: Cron;
  try {
    cron = new Cron(pattern, {
      timezone: timeZone ?? 'UTC',
      mode: '5-part',
      domAndDow: false,
      fixedTimeRule: 'no-wildcard',
    });
  } catch (error) {
    return fail(`${(error as Error).message.replace(/^CronPattern:\s*/, '')}; ${ACCEPTED}`);
  }
  if (cron.nextRun(NEVER_PROBE) === null) {
    return fail('it never matches a date (check day-of-month against month, e.g. 30 February)');
  }
  return Object.freeze({ expression: schedule, timeZone: timeZone ?? 'UTC', cron });
}

/** The ScheduleError type guard, for callers that prefer a function to instanceof. */
export function isScheduleError(value: Schedule | ScheduleError): value is ScheduleError {
  return value instanceof ScheduleError;
}

function macroPattern(text: string): string | undefined {
  const key = text.toLowerCase();
  return Object.hasOwn(SCHEDULE_MACROS, key) ? SCHEDULE_MACROS[key] : undefined;
}

function timeZoneProblem(timeZone: string | undefined): string | undefined {
  if (timeZone === undefined) return undefined;
  const fix = 'use an IANA name such as "Europe/Berlin" or "America/New_York", or omit it for UTC';
  if (!/^[A-Za-z]/.test(timeZone)) return `invalid time zone "${timeZone}": ${fix}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone "${timeZone}": ${fix}`;
  }
}

function expressionProblem(expression: string): string | undefined {
  if (expression === '') return `it is empty; ${ACCEPTED}`;
  if (/^(CRON_)?TZ=/i.test(expression)) {
    return 'a TZ= or CRON_TZ= prefix is not allowed; remove it and set the timeZone field instead';
  }
  if (expression.startsWith('@')) {
    const macro = expression.split(/\s/)[0]?.toLowerCase() ?? '';
    if (macroPattern(expression) !== undefined) return undefined;
    if (macro === '@every' || macro === '@reboot') return `${macro} is not supported; ${ACCEPTED}`;
    if (macroPattern(macro) !== undefined) return `${macro} takes nothing after it; ${ACCEPTED}`;
    return `unknown macro "${macro}"; ${ACCEPTED}`;
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    const seconds = fields.length === 6 ? ' (a seconds field is not supported)' : '';
    return `it has ${fields.length} fields${seconds}; ${ACCEPTED}`;
  }
  for (const [index, field] of fields.entries()) {
    const name = FIELDS[index] ?? '';
    let rest = field;
    if (name === 'month') rest = rest.replace(MONTHS, '1');
    if (name === 'day-of-week') rest = rest.replace(DAYS, '1');
    if (name === 'day-of-month' || name === 'day-of-week') rest = rest.replace(/^\?$/, '*');
    if (!STANDARD_FIELD.test(rest)) {
      return `${name} field "${field}" is not standard cron (only digits, * , - / and, in month and day-of-week, names such as JAN or MON); ${ACCEPTED}`;
    }
  }
  return undefined;
}
