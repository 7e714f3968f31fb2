import type { RestoreProgress } from '../../api/agent/index.js';
import {
  RESTORE_PROGRESS_PHASES,
  type EtcdRestoreStatus,
  type RestoreProgressPhase,
} from '../../api/v1alpha1/index.js';
import { formatBytes } from '../../domain/quantity.js';
import type { ObservedRestoreJob } from './observation.js';

/** How often a running restore's progress is read again from its agent's log. */
export const PROGRESS_REQUEUE_MS = 5000;

export type ProgressStatus = NonNullable<EtcdRestoreStatus['progress']>;

const sum = (values: ReadonlyArray<number | undefined>): number | undefined =>
  values.some((v) => v !== undefined)
    ? values.reduce<number>((s, v) => s + (v ?? 0), 0)
    : undefined;

const percent = (done: number | undefined, total: number | undefined): number | undefined =>
  done === undefined || !total ? undefined : Math.min(100, Math.floor((done * 100) / total));

/**
 * status.progress from what the running Jobs' agents last logged: one Job
 * (Logical) as it is; several (DataDir members) summed, in the phase of the
 * one furthest behind. Undefined when no running Job reported any.
 */
export function progressStatus(
  jobs: ReadonlyArray<ObservedRestoreJob | undefined>,
): ProgressStatus | undefined {
  const reported = jobs.flatMap((j) => (j?.state === 'active' && j.progress ? [j.progress] : []));
  if (reported.length === 0) return undefined;
  const order = (p: RestoreProgress) => RESTORE_PROGRESS_PHASES.indexOf(p.phase);
  const behind = reported.reduce((a, b) => (order(b) < order(a) ? b : a));
  const same = reported.filter((p) => p.phase === behind.phase);
  const fields = {
    bytes: sum(same.map((p) => p.bytes)),
    totalBytes: sum(same.map((p) => p.totalBytes)),
    keys: sum(same.map((p) => p.keys)),
    totalKeys: sum(same.map((p) => p.totalKeys)),
  };
  const done =
    behind.phase === 'Writing'
      ? percent(fields.keys, fields.totalKeys)
      : percent(fields.bytes, fields.totalBytes);
  const newest = same
    .map((p) => p.time)
    .sort()
    .at(-1)!;
  return compact({ phase: behind.phase, ...fields, percent: done, updateTime: newest });
}

function compact(p: Record<string, unknown>): ProgressStatus {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as ProgressStatus;
}

const PHASE_WORDS: Record<RestoreProgressPhase, string> = {
  Downloading: 'downloading the snapshot',
  Compacting: 'compacting and defragmenting the target',
  Writing: 'writing keys',
  Restoring: 'restoring the data directory (etcdutl)',
};

/** The status message while it runs: what, how far, how much of it. */
export function progressMessage(p: ProgressStatus): string {
  const of =
    p.phase === 'Writing' && p.keys !== undefined
      ? `: ${p.keys} of ${p.totalKeys ?? '?'} keys`
      : p.phase === 'Downloading' && p.bytes !== undefined
        ? `: ${formatBytes(p.bytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''}`
        : '';
  return `${PHASE_WORDS[p.phase]}${of}${p.percent === undefined ? '' : ` (${p.percent}%)`}`;
}
