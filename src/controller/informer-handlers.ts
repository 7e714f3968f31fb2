import type { InformerHandler } from './informer.js';
import type { ObjectCache } from './informer-store.js';
import { controllerOwnerKey, objectKey, type OwnedObject, type OwnerKind } from './object-key.js';

/** Anything keys can be added to (a WorkQueue). */
export interface KeySink {
  add(key: string): void;
}

export const ETCD_BACKUP_OWNER: OwnerKind = { group: 'etcdsnapshot.dev', kind: 'EtcdBackup' };
export const ETCD_RESTORE_OWNER: OwnerKind = { group: 'etcdsnapshot.dev', kind: 'EtcdRestore' };
const JOB_OWNER: OwnerKind = { group: 'batch', kind: 'Job' };

/** Enqueue the object's own key. */
export function enqueueObject<T extends OwnedObject>(queue: KeySink): InformerHandler<T> {
  return (obj) => queue.add(objectKey(obj.metadata));
}

/** Enqueue the key of the object's controlling owner of `owner` kind (e.g. a Job's EtcdBackup). */
export function enqueueOwner<T extends OwnedObject>(
  queue: KeySink,
  owner: OwnerKind,
): InformerHandler<T> {
  return (obj) => {
    const key = controllerOwnerKey(obj, owner);
    if (key) queue.add(key);
  };
}

/** Pod → its controlling Job (looked up in the Job cache) → that Job's owner of `owner` kind. */
export function enqueueOwnerViaJob<T extends OwnedObject>(
  queue: KeySink,
  jobs: ObjectCache<OwnedObject>,
  owner: OwnerKind,
): InformerHandler<T> {
  return (pod) => {
    const jobKey = controllerOwnerKey(pod, JOB_OWNER);
    const job = jobKey ? jobs.get(jobKey) : undefined;
    const key = job ? controllerOwnerKey(job, owner) : undefined;
    if (key) queue.add(key);
  };
}

/**
 * Passes an event on only when `relevant` (what the controller reads of the object,
 * as a string) differs from the state it replaced. A new or vanished object passes
 * unless `relevant` is undefined for it: it carries nothing the controller reads (a
 * Pod without a finished container). A controller that reads a few fields of a child
 * is thus not woken by the others: the job controller counting a Job's Pods, a Pod
 * being created or scheduled, a resync of a child (the owner's own informer resyncs
 * the owner). After controller-runtime's predicates.
 */
export function whenChanged<T>(
  relevant: (obj: T) => string | undefined,
  handler: InformerHandler<T>,
): InformerHandler<T> {
  return (obj, previous) => {
    const now = relevant(obj);
    if (previous === undefined ? now === undefined : relevant(previous) === now) return;
    handler(obj, previous);
  };
}
