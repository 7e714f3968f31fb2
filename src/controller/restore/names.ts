import { createHash } from 'node:crypto';
import { MAX_JOB_NAME_LENGTH } from '../../domain/job-name.js';

/**
 * Deterministic names of a restore's Jobs: `<restore>-restore` for a Logical
 * restore or a dry run, `<restore>-m<index>` for the DataDir member at that
 * index of spec.dataDir.members (the spec is immutable, so indexes are
 * stable). AlreadyExists on create means "already started". A long restore
 * name keeps its start and gains a hash of the whole name, so names stay
 * within the 63 characters of the `job-name` label and never collide.
 */
export function restoreJobName(restoreName: string, member?: number): string {
  const suffix = member === undefined ? '-restore' : `-m${member}`;
  if (restoreName.length + suffix.length <= MAX_JOB_NAME_LENGTH) return `${restoreName}${suffix}`;
  const hash = createHash('sha256').update(restoreName).digest('hex').slice(0, 8);
  const room = MAX_JOB_NAME_LENGTH - suffix.length - hash.length - 1;
  return `${restoreName.slice(0, room).replace(/[-.]+$/, '')}-${hash}${suffix}`;
}

/** `20260301T120000Z`: the restore's start, naming every member's kept previous data directory. */
export function restoreStamp(startTime: Date): string {
  return startTime
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
