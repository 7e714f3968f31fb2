import type { V1ConfigMap, V1Job, V1Pod } from '@kubernetes/client-node';
import { LABELS, type EtcdBackup, type EtcdRestore } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import type { KubePorts } from '../../kube/ports.js';
import { metadataAndStatusOnly } from '../../kube/resource-client.js';
import { CONFIG_MAPS, ETCD_BACKUPS, ETCD_RESTORES, JOBS, PODS } from '../../kube/resources.js';
import type { Clock } from '../clock.js';
import { enqueueObject, enqueueOwner, ETCD_RESTORE_OWNER } from '../informer-handlers.js';
import type { Manager } from '../manager.js';
import { objectKey } from '../object-key.js';
import { guardJobs } from '../policy/job-guard.js';
import type { WorkQueue } from '../work-queue.js';
import {
  defaultRestoreJobBuilder,
  reconcileRestore,
  type RestoreJobBuilder,
  type RestoreReconcileDeps,
} from './reconcile.js';

export const RESTORE_CONTROLLER_NAME = 'etcdrestore';

export interface RestoreControllerOptions {
  readonly manager: Manager;
  readonly ports: KubePorts;
  readonly clock: Clock;
  readonly namespace?: string;
  readonly image: string;
  /** What specs may ask of the Pods the operator creates; every Job passes through it. */
  readonly policy: AgentPolicy;
  readonly buildJob?: RestoreJobBuilder;
  readonly instance: string;
  readonly concurrency?: number;
}

/**
 * Registers the EtcdRestore controller: informers for EtcdRestores and for
 * the Jobs and Pods labelled with LABELS.restore, each event enqueueing the
 * restore's key. EtcdBackups and Secrets are read on demand.
 */
export function registerRestoreController(options: RestoreControllerOptions): WorkQueue {
  const { manager, ports, namespace } = options;
  const selector = { namespace, labelSelector: LABELS.restore };
  const restores = manager.informer<EtcdRestore>(
    'etcdrestores',
    ports.listWatch<EtcdRestore>(ETCD_RESTORES, { namespace }),
  );
  const jobs = manager.informer<V1Job>(
    'restore-jobs',
    ports.listWatch<V1Job>(JOBS, { ...selector, prepare: metadataAndStatusOnly }),
  );
  const pods = manager.informer<V1Pod>(
    'restore-pods',
    ports.listWatch<V1Pod>(PODS, { ...selector, prepare: metadataAndStatusOnly }),
  );
  const deps: Omit<RestoreReconcileDeps, 'logger'> = {
    clock: options.clock,
    restores: restores.store,
    jobCache: jobs.store,
    podCache: pods.store,
    podLogs: ports.podLogs,
    secrets: ports.secrets,
    backupClient: ports.customResource<EtcdBackup>(ETCD_BACKUPS),
    jobs: guardJobs(ports.jobs, options.policy),
    policy: options.policy,
    configMaps: ports.customResource<V1ConfigMap>(CONFIG_MAPS),
    restoreClient: ports.customResource<EtcdRestore>(ETCD_RESTORES),
    events: ports.eventRecorder({
      controller: 'etcdsnapshot.dev/etcdrestore-controller',
      instance: options.instance,
    }),
    buildJob: options.buildJob ?? defaultRestoreJobBuilder,
    image: options.image,
  };
  const queue = manager.controller({
    name: RESTORE_CONTROLLER_NAME,
    concurrency: options.concurrency ?? 2,
    reconcile: (key, logger) => reconcileRestore(key, { ...deps, logger }),
  });
  restores.addHandler(enqueueObject(queue));
  jobs.addHandler(enqueueOwner(queue, ETCD_RESTORE_OWNER));
  const byLabel = (obj: V1Job | V1Pod) => {
    const name = obj.metadata?.labels?.[LABELS.restore];
    if (name) queue.add(objectKey({ namespace: obj.metadata?.namespace, name }));
  };
  jobs.addHandler(byLabel);
  pods.addHandler(byLabel);
  return queue;
}
