/**
 * A backup's recent runs, kept in its status, and which finished Jobs to
 * delete, as pure functions.
 *
 * History is ordered by completion time (newest first, then Job name), never
 * by the order results were recorded in: a reconcile after a restart may see
 * several finished Jobs at once, in any order. Recording is idempotent by Job
 * name, so re-observing a Job never duplicates it, and a result older than
 * the whole (full) history is a no-op, not a resurrection of a trimmed entry.
 *
 * Job cleanup follows the CronJob controller's history limits: finished Jobs
 * are split into succeeded and failed, each list keeps its newest `limit`
 * (by completion time), and the rest are deleted oldest first. Active Jobs
 * are never deleted.
 */

export interface RunRecord {
  readonly jobName: string;
  readonly succeeded: boolean;
  /** RFC 3339 string (as in the status) or Date. */
  readonly completionTime: string | Date;
}

export interface FinishedJobCandidate {
  readonly name: string;
  readonly finished: boolean;
  readonly succeeded: boolean;
  /** Unset on active Jobs; a finished Job without one sorts as the oldest. */
  readonly completionTime?: Date | string;
}

/** Adds or replaces `result` (by Job name); returns a new history of at most `limit`, newest first. */
export function recordRunResult<R extends RunRecord>(
  history: readonly R[],
  result: R,
  limit: number,
): R[] {
  assertLimit(limit, 'history limit');
  assertTime(result.completionTime, result.jobName);
  const others = history.filter((r) => r.jobName !== result.jobName);
  return sortNewestFirst([...others, result]).slice(0, limit);
}

/** Failed runs since the last success; at most the history's length. */
export function consecutiveFailures(history: readonly RunRecord[]): number {
  const ordered = sortNewestFirst([...history]);
  const firstSuccess = ordered.findIndex((r) => r.succeeded);
  return firstSuccess === -1 ? ordered.length : firstSuccess;
}

/** The newest successful run, if the history holds one. */
export function lastSuccessfulRun<R extends RunRecord>(history: readonly R[]): R | undefined {
  return sortNewestFirst([...history]).find((r) => r.succeeded);
}

/** Names of finished Jobs beyond the history limits, oldest first; never an active Job. */
export function jobsToDelete(
  jobs: readonly FinishedJobCandidate[],
  successfulLimit: number,
  failedLimit: number,
): string[] {
  assertLimit(successfulLimit, 'successful jobs history limit');
  assertLimit(failedLimit, 'failed jobs history limit');
  const finished = jobs.filter((j) => j.finished);
  const beyond = (succeeded: boolean, limit: number) =>
    newestJobsFirst(finished.filter((j) => j.succeeded === succeeded)).slice(limit);
  const doomed = [...beyond(true, successfulLimit), ...beyond(false, failedLimit)];
  return newestJobsFirst(doomed)
    .reverse()
    .map((j) => j.name);
}

function sortNewestFirst<R extends RunRecord>(records: R[]): R[] {
  return records.sort(
    (a, b) => timeOf(b.completionTime) - timeOf(a.completionTime) || byName(b.jobName, a.jobName),
  );
}

function newestJobsFirst(jobs: readonly FinishedJobCandidate[]): FinishedJobCandidate[] {
  const time = (j: FinishedJobCandidate) =>
    j.completionTime === undefined ? -Infinity : timeOf(j.completionTime);
  return [...jobs].sort((a, b) => compareNumbers(time(b), time(a)) || byName(b.name, a.name));
}

function timeOf(time: string | Date): number {
  return typeof time === 'string' ? Date.parse(time) : time.getTime();
}

function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertLimit(limit: number, name: string): void {
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new RangeError(`${name} ${limit} is not a whole number >= 0`);
  }
}

function assertTime(time: string | Date, jobName: string): void {
  if (Number.isNaN(timeOf(time))) {
    throw new RangeError(`run ${jobName} has an invalid completionTime`);
  }
}
