import type { V1ConfigMap, V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import { KINDS, LABELS, type EtcdBackup } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import type { ConfigMapReader, SecretReader } from '../../kube/ports.js';
import type { ObjectStore } from '../informer-store.js';
import type { TtlCache } from '../ttl-cache.js';
import { parseKey } from '../object-key.js';
import { observeRun, podBelongsTo, type ObservedBackup, type ObservedRun } from './observed.js';
import {
  checkReference,
  requiredReferences,
  type ObservedReference,
  type ReferenceRequirement,
} from './references.js';
import { BY_BACKUP } from './indexes.js';
import { cleanupJobName } from '../jobs/names.js';

/** What observe reads: informer caches for watched kinds, GETs for Secrets/ConfigMaps. */
export interface BackupObserveDeps {
  readonly backups: ObjectStore<EtcdBackup>;
  readonly jobCache: ObjectStore<V1Job>;
  readonly podCache: ObjectStore<V1Pod>;
  readonly secrets: SecretReader;
  readonly configMaps: ConfigMapReader;
  /**
   * Key names of referenced Secrets and ConfigMaps, remembered briefly: they
   * are read with GET (not watched), and a burst of reconciles would read the
   * same Secret for each. A fix (a Secret created) is seen within the TTL.
   */
  readonly referenceKeys?: TtlCache<ReadonlySet<string> | undefined>;
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
    references: await observeReferences(namespace, requiredReferences(backup.spec), deps),
    ...(deps.policy ? { policy: deps.policy } : {}),
  };
}

async function observeReferences(
  namespace: string,
  requirements: readonly ReferenceRequirement[],
  deps: BackupObserveDeps,
): Promise<ObservedReference[]> {
  const fetched = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  const keysOf = (req: ReferenceRequirement) => {
    const id = `${req.kind}/${req.name}`;
    let keys = fetched.get(id);
    if (!keys) {
      const load = () =>
        req.kind === 'Secret'
          ? secretKeys(deps, namespace, req.name)
          : configMapKeys(deps, namespace, req.name);
      keys = deps.referenceKeys
        ? deps.referenceKeys.get(`${req.kind}/${namespace}/${req.name}`, load)
        : load();
      fetched.set(id, keys);
    }
    return keys;
  };
  return Promise.all(requirements.map(async (req) => checkReference(req, await keysOf(req))));
}

/** Only the key names survive this function: the values are dropped at once. */
async function secretKeys(deps: BackupObserveDeps, namespace: string, name: string) {
  const secret: V1Secret | undefined = await deps.secrets.get(namespace, name);
  return secret ? new Set(Object.keys(secret.data ?? {})) : undefined;
}

async function configMapKeys(deps: BackupObserveDeps, namespace: string, name: string) {
  const map: V1ConfigMap | undefined = await deps.configMaps.get(namespace, name);
  return map
    ? new Set([...Object.keys(map.data ?? {}), ...Object.keys(map.binaryData ?? {})])
    : undefined;
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
