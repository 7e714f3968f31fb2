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
