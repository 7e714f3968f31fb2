import { createHash } from 'node:crypto';

/**
 * Deterministic Job names, `<backup>-<Unix minutes of the scheduled time>` as
 * the CronJob controller names them: creating the Job for a scheduled time
 * twice hits AlreadyExists, which means "already done".
 *
 * The Job controller copies the name into the `job-name` label, whose values
 * are at most 63 characters. The CronJob controller refuses names over 52
 * characters; a backup name may be a 253-character subdomain, so instead a
 * long name keeps its first characters and gains a short hash of the whole
 * name (`<prefix>-<8 hex>-<minutes>`), so two backups never share a Job name
 * (and so never each other's runs) however alike their names are.
 */

export const MAX_JOB_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/** The Job name for one scheduled run of a backup; always <= MAX_JOB_NAME_LENGTH characters. */
export function jobNameFor(backupName: string, scheduledTime: Date): string {
  if (backupName === '') throw new RangeError('backup name is empty');
  const ms = scheduledTime.getTime();
  if (!(ms >= 0)) throw new RangeError('scheduledTime is not a valid date after 1970');
  const suffix = `-${Math.floor(ms / 60_000)}`;
  if (backupName.length + suffix.length <= MAX_JOB_NAME_LENGTH) return `${backupName}${suffix}`;
  const hash = createHash('sha256').update(backupName).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_JOB_NAME_LENGTH - suffix.length - HASH_LENGTH - 1;
  // A name must end in an alphanumeric, and `--` would read as a typo.
  const prefix = backupName.slice(0, room).replace(/[-.]+$/, '');
  return `${prefix}-${hash}${suffix}`;
}
