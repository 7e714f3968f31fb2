import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { KINDS, LABELS, type EtcdBackup } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import type { ObjectCache } from '../informer-store.js';
import { backupReferences } from '../jobs/backup-job.js';
import { parseKey } from '../object-key.js';
import { observeReferences, type ReferenceReaders } from '../references.js';
import { observeRun, podBelongsTo, type ObservedBackup, type ObservedRun } from './observation.js';
import { BY_BACKUP } from './indexes.js';
import { cleanupJobName } from '../jobs/names.js';

/** What observe reads: informer caches for watched kinds, GETs for Secrets/ConfigMaps. */
export interface BackupObserveDeps extends ReferenceReaders {
  readonly backups: ObjectCache<EtcdBackup>;
  readonly jobCache: ObjectCache<V1Job>;
  readonly podCache: ObjectCache<V1Pod>;
  /** What the backup's Pods may ask for (docs/security.md). */
  readonly policy?: AgentPolicy;
}

/**
 * Reads everything a backup reconcile plans from; writes nothing. Undefined
 * when the EtcdBackup is gone (its Jobs go with it, by owner reference).
 * Secrets are read with GET (they are not watched: the controller must not
 * cache every Secret of the cluster) and reduced to their key names at once.
 */
export async function observeBackup(
  key: string,
  deps: BackupObserveDeps,
): Promise<ObservedBackup | undefined> {
  const backup = deps.backups.get(key);
  if (!backup) return undefined;
  const { namespace = '', name } = parseKey(key);
  const jobs = deps.jobCache.byIndex(BY_BACKUP, key).filter((job) => ownedBy(job, backup));
  const pods = deps.podCache.byIndex(BY_BACKUP, key);
  const summaries = jobs.map((job) =>
    observeRun(
      name,
      job,
      pods.filter((pod) => podBelongsTo(pod, job.metadata?.name ?? '')),
    ),
  );
  const isCleanup = (run: ObservedRun) => run.name === cleanupJobName(name);
  return {
    backup,
    runs: summaries.filter((run) => !isCleanup(run)).sort(byName),
    cleanup: summaries.find(isCleanup),
    references: await observeReferences(namespace, backupReferences(backup.spec), deps),
    ...(deps.policy ? { policy: deps.policy } : {}),
  };
}

/**
 * Labelled for this backup and, when the Job names a controlling EtcdBackup,
 * controlled by this very object (not a deleted namesake whose Jobs linger).
 */
function ownedBy(job: V1Job, backup: EtcdBackup): boolean {
  const name = backup.metadata?.name;
  const owner = job.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner?.kind === KINDS.backup) {
    return owner.name === name && (!backup.metadata?.uid || owner.uid === backup.metadata.uid);
  }
  return job.metadata?.labels?.[LABELS.backup] === name;
}

function byName(a: ObservedRun, b: ObservedRun): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
