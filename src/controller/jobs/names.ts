import { createHash } from 'node:crypto';

/**
 * Deterministic names of every Job (and its ConfigMap) the operator creates:
 * creating one twice hits AlreadyExists, which means "already done".
 *
 * - A scheduled or run-once backup run: `<backup>-<Unix minutes of the
 *   scheduled time>`, as the CronJob controller names them.
 * - A run-now: `<backup>-n<minutes>`. The `n` keeps it from colliding with the
 *   scheduled Job of the same minute (AlreadyExists would silently swallow
 *   it), and since a scheduled name always ends in `-<digits>`, no backup's
 *   scheduled Job can take a run-now name.
 * - The deletion cleanup: `<backup>-delete`.
 * - A restore: `<restore>-restore` (Logical or dry run), `<restore>-m<index>`
 *   for the DataDir member at that index (the spec is immutable).
 *
 * The Job controller copies the name into the `job-name` label, whose values
 * are at most 63 characters, and a resource name may have 253: boundedName
 * keeps a long name's first characters and adds a short hash of the whole
 * name, so two objects never share a Job name however alike their names are.
 */

export const MAX_JOB_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
const MINUTE_MS = 60_000;
const CLEANUP_SUFFIX = '-delete';

/** `<base><suffix>`, or `<start of base>-<8 hex of sha256(base)><suffix>`: at most 63 characters. */
export function boundedName(base: string, suffix: string): string {
  if (base === '') throw new RangeError('name is empty');
  if (base.length + suffix.length <= MAX_JOB_NAME_LENGTH) return `${base}${suffix}`;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_JOB_NAME_LENGTH - suffix.length - HASH_LENGTH - 1;
  // A name must end in an alphanumeric, and `--` would read as a typo.
  return `${base.slice(0, room).replace(/[-.]+$/, '')}-${hash}${suffix}`;
}

function minutesOf(time: Date): number {
  const ms = time.getTime();
  if (!(ms >= 0)) throw new RangeError('scheduledTime is not a valid date after 1970');
  return Math.floor(ms / MINUTE_MS);
}

/** The Job name for one scheduled run of a backup. */
export function jobNameFor(backupName: string, scheduledTime: Date): string {
  return boundedName(backupName, `-${minutesOf(scheduledTime)}`);
}

export function runNowJobName(backupName: string, now: Date): string {
  return boundedName(backupName, `-n${minutesOf(now)}`);
}

export function cleanupJobName(backupName: string): string {
  return boundedName(backupName, CLEANUP_SUFFIX);
}

export function restoreJobName(restoreName: string, member?: number): string {
  return boundedName(restoreName, member === undefined ? '-restore' : `-m${member}`);
}

/** `20260301T120000Z`: the restore's start, naming every member's kept previous data directory. */
export function restoreStamp(startTime: Date): string {
  return startTime
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export type ParsedRunName =
  | { readonly kind: 'scheduled'; readonly scheduledTime: Date }
  | { readonly kind: 'run-now'; readonly scheduledTime: Date }
  | { readonly kind: 'cleanup' }
  | { readonly kind: 'unknown' };

/**
 * What a Job of this backup is, from its name alone: checked against the
 * name this backup would give that time, so another backup's Jobs never parse.
 */
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
