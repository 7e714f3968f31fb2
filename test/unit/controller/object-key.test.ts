import {
  ETCD_BACKUP_OWNER,
  enqueueOwner,
  enqueueOwnerViaJob,
} from '../../../src/controller/informer-handlers.js';
import { MemoryStore } from '../../../src/controller/informer-store.js';
import { controllerOwnerKey, objectKey, parseKey } from '../../../src/controller/object-key.js';

const owned = (kind: string, apiVersion: string, controller = true) => ({
  metadata: {
    namespace: 'ns',
    name: 'job-1',
    ownerReferences: [{ apiVersion, kind, name: 'nightly', uid: 'u', controller }],
  },
});

describe('object keys', () => {
  it('round-trips namespace/name and cluster-scoped names', () => {
    expect(objectKey({ namespace: 'ns', name: 'a' })).toBe('ns/a');
    expect(parseKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(parseKey('node-1')).toEqual({ namespace: undefined, name: 'node-1' });
  });

  it.each([
    ['controller EtcdBackup', owned('EtcdBackup', 'etcdsnapshot.dev/v1alpha1'), 'ns/nightly'],
    ['not the controller', owned('EtcdBackup', 'etcdsnapshot.dev/v1alpha1', false), undefined],
    ['other group', owned('EtcdBackup', 'example.com/v1'), undefined],
    ['other kind', owned('EtcdRestore', 'etcdsnapshot.dev/v1alpha1'), undefined],
  ])('owner key: %s', (_n, obj, want) => {
    expect(controllerOwnerKey(obj, ETCD_BACKUP_OWNER)).toBe(want);
  });

  it('maps a Job event and a Pod event (via its Job) to the EtcdBackup key', () => {
    const added: string[] = [];
    const queue = { add: (k: string) => added.push(k) };
    const job = owned('EtcdBackup', 'etcdsnapshot.dev/v1alpha1');
    enqueueOwner(queue, ETCD_BACKUP_OWNER)(job);
    const jobs = new MemoryStore<typeof job>();
    jobs.upsert(job);
    const pod = {
      metadata: {
        namespace: 'ns',
        name: 'job-1-x',
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'job-1', controller: true }],
      },
    };
    enqueueOwnerViaJob(queue, jobs, ETCD_BACKUP_OWNER)(pod);
    expect(added).toEqual(['ns/nightly', 'ns/nightly']);
  });
});
