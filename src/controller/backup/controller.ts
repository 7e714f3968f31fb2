import type { V1ConfigMap, V1Job, V1Pod } from '@kubernetes/client-node';
import { LABELS, type EtcdBackup } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import { backupJobSpec } from '../jobs/backup-job.js';
import { cleanupJobSpec } from '../jobs/cleanup-job.js';
import type { KubePorts } from '../../kube/ports.js';
import { metadataAndStatusOnly } from '../../kube/resource-client.js';
import { createBackupMetrics } from '../../observability/metrics.js';
import { CONFIG_MAPS, ETCD_BACKUPS, JOBS, PODS } from '../../kube/resources.js';
import type { Clock } from '../clock.js';
import {
  enqueueObject,
  enqueueOwner,
  enqueueOwnerViaJob,
  ETCD_BACKUP_OWNER,
  whenChanged,
  type KeySink,
} from '../informer-handlers.js';
import type { InformerHandler } from '../informer.js';
import type { Manager } from '../manager.js';
import { objectKey } from '../object-key.js';
import { guardJobs } from '../policy/job-guard.js';
import type { WorkQueue } from '../work-queue.js';
import type { CleanupJobBuilder, RunJobBuilder } from '../jobs/builders.js';
import { TtlCache } from '../ttl-cache.js';
import { jobRelevance, podRelevance } from './child-changes.js';
import { BACKUP_INDEXERS } from './indexes.js';
import { reconcileBackup, type BackupReconcileDeps } from './reconcile.js';

export const BACKUP_CONTROLLER_NAME = 'etcdbackup';
/** How long the key names of a referenced Secret or ConfigMap are trusted. */
const REFERENCE_TTL_MS = 10_000;
/**
 * Jobs and Pods are indexed by backup and never resynced: a resync of a child
 * only repeats the resync of its EtcdBackup, which re-reads the children.
 */
const CHILD_INFORMER = { indexers: BACKUP_INDEXERS, resyncMs: 0 } as const;

export interface BackupControllerOptions {
  readonly manager: Manager;
  readonly ports: KubePorts;
  readonly clock: Clock;
  /** Watch one namespace; all namespaces when undefined. */
  readonly namespace?: string;
  readonly image: string;
  /** What specs may ask of the Pods the operator creates; every Job passes through it. */
  readonly policy: AgentPolicy;
  /** Defaults to `backupJobSpec` (controller/jobs/backup-job.ts). */
  readonly buildRunJob?: RunJobBuilder;
  /** The deletionPolicy Delete cleanup Job (`etcd-snapshot agent delete`); defaults to cleanupJobSpec. */
  readonly buildCleanupJob?: CleanupJobBuilder;
  /** This replica, for Events' reportingInstance (the Pod name). */
  readonly instance: string;
  readonly concurrency?: number;
}

/**
 * Registers the EtcdBackup controller with the Manager: informers for
 * EtcdBackups and for the Jobs and Pods labelled with LABELS.backup (so the
 * caches hold only the operator's own), each event enqueueing the owning
 * EtcdBackup's key. Secrets are read on demand, not watched.
 */
export function registerBackupController(options: BackupControllerOptions): WorkQueue {
  const { manager, ports, namespace } = options;
  const selector = { namespace, labelSelector: LABELS.backup };
  const backups = manager.informer<EtcdBackup>(
    'etcdbackups',
    ports.listWatch<EtcdBackup>(ETCD_BACKUPS, { namespace }),
  );
  const jobs = manager.informer<V1Job>(
    'backup-jobs',
    ports.listWatch<V1Job>(JOBS, { ...selector, prepare: metadataAndStatusOnly }),
    CHILD_INFORMER,
  );
  const pods = manager.informer<V1Pod>(
    'backup-pods',
    ports.listWatch<V1Pod>(PODS, { ...selector, prepare: metadataAndStatusOnly }),
    CHILD_INFORMER,
  );
  const deps: Omit<BackupReconcileDeps, 'logger'> = {
    clock: options.clock,
    backups: backups.store,
    jobCache: jobs.store,
    podCache: pods.store,
    secrets: ports.secrets,
    configMaps: ports.customResource<V1ConfigMap>(CONFIG_MAPS),
    jobs: guardJobs(ports.jobs, options.policy),
    policy: options.policy,
    backupClient: ports.customResource<EtcdBackup>(ETCD_BACKUPS),
    events: ports.eventRecorder({
      controller: 'etcdsnapshot.dev/etcdbackup-controller',
      instance: options.instance,
    }),
    buildRunJob: options.buildRunJob ?? backupJobSpec,
    buildCleanupJob: options.buildCleanupJob ?? cleanupJobSpec,
    image: options.image,
    metrics: createBackupMetrics(manager.registry),
    superseded: new Map(),
    referenceKeys: new TtlCache(REFERENCE_TTL_MS, options.clock),
  };
  const queue = manager.controller({
    name: BACKUP_CONTROLLER_NAME,
    concurrency: options.concurrency ?? 2,
    reconcile: (key, logger) => reconcileBackup(key, { ...deps, logger }),
  });
  backups.addHandler(enqueueObject(queue));
  jobs.addHandler(whenChanged(jobRelevance, enqueueOwner(queue, ETCD_BACKUP_OWNER)));
  jobs.addHandler(whenChanged(jobRelevance, enqueueLabelledBackup(queue)));
  pods.addHandler(
    whenChanged(podRelevance, enqueueOwnerViaJob(queue, jobs.store, ETCD_BACKUP_OWNER)),
  );
  pods.addHandler(whenChanged(podRelevance, enqueueLabelledBackup(queue)));
  return queue;
}

/**
 * The backup named by the LABELS.backup label: a Pod's event can arrive
 * before its Job is cached, and the queue dedupes the key anyway.
 */
function enqueueLabelledBackup<T extends V1Job | V1Pod>(queue: KeySink): InformerHandler<T> {
  return (obj) => {
    const name = obj.metadata?.labels?.[LABELS.backup];
    if (name) queue.add(objectKey({ namespace: obj.metadata?.namespace, name }));
  };
}
