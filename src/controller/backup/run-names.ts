import { jobNameFor, MAX_JOB_NAME_LENGTH } from '../../domain/schedule.js';

/**
 * Names of the Jobs a backup creates, and how to read a name back.
 *
 * - Scheduled and run-once Jobs: `jobNameFor(backup, scheduledTime)`,
 *   `<backup>-<unix minutes>`, as the CronJob controller names them.
 * - Run-now Jobs: `<backup>-n<unix minutes>`. The `n` keeps a run-now from
 *   colliding with the scheduled Job of the same minute (AlreadyExists would
 *   silently swallow it), and since a scheduled name always ends in
 *   `-<digits>`, no backup's scheduled Job can take a run-now name. A `-now`
 *   suffix would not fit: a 52-character backup name plus `-<8 digits>-now`
 *   overflows the 63 characters of the `job-name` label.
 * - The deletion cleanup Job: `<backup>-delete`.
 *
 * Reading a name back (`parseRunName`) checks it against the name this
 * backup would give that time, so another backup's Jobs never parse.
 */

const MINUTE_MS = 60_000;
const CLEANUP_SUFFIX = '-delete';

export function runNowJobName(backupName: string, now: Date): string {
  const scheduled = jobNameFor(backupName, now);
  const minutes = scheduled.slice(scheduled.lastIndexOf('-') + 1);
  let stem = scheduled.slice(0, -minutes.length - 1);
  if (scheduled.length >= MAX_JOB_NAME_LENGTH) {
    // Only names past the API's 52-character limit get here (jobNameFor hashed them): make room.
    stem = stem.replace(/^(.*?)[-.]*.(-[0-9a-f]{8})$/, '$1$2');
  }
  return `${stem}-n${minutes}`;
}

export function cleanupJobName(backupName: string): string {
  const name = `${backupName}${CLEANUP_SUFFIX}`;
  if (name.length <= MAX_JOB_NAME_LENGTH) return name;
  // jobNameFor shortens with a hash; give it a time whose suffix (-100000) is as long as ours.
  const hashed = jobNameFor(backupName, new Date(100_000 * MINUTE_MS));
  return `${hashed.slice(0, hashed.lastIndexOf('-'))}${CLEANUP_SUFFIX}`;
}

export type ParsedRunName =
  | { readonly kind: 'scheduled'; readonly scheduledTime: Date }
  | { readonly kind: 'run-now'; readonly scheduledTime: Date }
  | { readonly kind: 'cleanup' }
  | { readonly kind: 'unknown' };

/** What a Job of this backup is, from its name alone. */
export function parseRunName(backupName: string, jobName: string): ParsedRunName {
  if (jobName === cleanupJobName(backupName)) return { kind: 'cleanup' };
  const match = /-(n?)(\d{1,15})$/.exec(jobName);
  if (!match) return { kind: 'unknown' };
  const scheduledTime = new Date(Number(match[2]) * MINUTE_MS);
  if (match[1] === 'n') {
    return runNowJobName(backupName, scheduledTime) === jobName
      ? { kind: 'run-now', scheduledTime }
      : { kind: 'unknown' };
  }
  return jobNameFor(backupName, scheduledTime) === jobName
    ? { kind: 'scheduled', scheduledTime }
    : { kind: 'unknown' };
}
