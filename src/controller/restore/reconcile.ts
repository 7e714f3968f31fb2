import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import {
  KINDS,
  REASONS,
  type EtcdBackup,
  type EtcdRestore,
  type EtcdRestoreStatus,
} from '../../api/v1alpha1/index.js';
import { restoreJobSpec, type RestoreJobInput } from '../jobs/restore-job.js';
import { JobSpecError } from '../jobs/wiring.js';
import type { EventRecorder } from '../../kube/events.js';
import type { CustomResourcePort, JobPort } from '../../kube/ports.js';
import type { ResourceClient } from '../../kube/resource-client.js';
import type { Logger } from '../../observability/logger.js';
import type { Clock } from '../clock.js';
import type { ReconcileResult } from '../manager.js';
import { recordEvents } from '../kit/events.js';
import { ignoring } from '../kit/idempotent.js';
import { writeStatusIfChanged } from '../kit/status-write.js';
import { restoreStamp } from '../jobs/names.js';
import { observeRestore, type RestoreObserveDeps } from './observe.js';
import type { CreateRestoreJob } from './plan-jobs.js';
import { failedPlan, planRestore } from './plan.js';

export type RestoreJobBuilder = (input: RestoreJobInput) => {
  readonly job: unknown;
  readonly configMap: unknown;
};

export type RestoreReconcileDeps = RestoreObserveDeps & {
  readonly clock: Pick<Clock, 'now'>;
  readonly jobs: Pick<JobPort, 'create'>;
  readonly configMaps: Pick<ResourceClient<V1ConfigMap>, 'create'>;
  readonly restoreClient: Pick<CustomResourcePort<EtcdRestore>, 'patchStatus'>;
  readonly events: EventRecorder;
  readonly buildJob: RestoreJobBuilder;
  readonly image: string;
  readonly logger: Logger;
};

/**
 * One level-triggered pass over an EtcdRestore: observe (reads only), plan
 * (pure), create the planned Jobs (AlreadyExists is success: names are
 * deterministic), emit the plan's Events, one status write when it changed.
 * A spec the Job builder refuses is a user error: the restore fails, with
 * the builder's message, instead of being retried.
 */
export async function reconcileRestore(
  key: string,
  deps: RestoreReconcileDeps,
): Promise<ReconcileResult> {
  const observed = await observeRestore(key, deps);
  if (!observed) return {};
  const { restore } = observed;
  const log = deps.logger.child({
    kind: KINDS.restore,
    namespace: restore.metadata?.namespace,
    name: restore.metadata?.name,
    generation: restore.metadata?.generation,
  });
  const now = new Date(deps.clock.now());
  let plan = planRestore(observed, now);
  try {
    for (const action of plan.actions)
      await createJob(action, restore, observed.backup ?? undefined, plan.status, deps, log);
  } catch (err) {
    if (!(err instanceof JobSpecError)) throw err;
    plan = failedPlan(plan.status, REASONS.invalidSpec, err.message, now);
  }
  await recordEvents(KINDS.restore, restore, plan.events, deps.events);
  await writeStatusIfChanged(
    restore,
    plan.status,
    restore.metadata?.resourceVersion,
    deps.restoreClient,
    log,
  );
  return plan.requeueAfterMs === undefined ? {} : { requeueAfterMs: plan.requeueAfterMs };
}

async function createJob(
  action: CreateRestoreJob,
  restore: EtcdRestore,
  backup: EtcdBackup | undefined,
  status: EtcdRestoreStatus,
  deps: RestoreReconcileDeps,
  log: Logger,
): Promise<void> {
  const member =
    action.member === undefined ? undefined : restore.spec.dataDir?.members[action.member];
  const built = deps.buildJob({
    restore,
    ...(backup ? { backup } : {}),
    jobName: action.jobName,
    image: deps.image,
    ...(member ? { member } : {}),
    stamp: restoreStamp(new Date(status.startTime ?? deps.clock.now())),
  });
  // ConfigMap first: the Pod mounts it.
  await ignoring('AlreadyExists', () => deps.configMaps.create(built.configMap as V1ConfigMap));
  const created = await ignoring('AlreadyExists', () => deps.jobs.create(built.job as V1Job));
  log.info(
    { job: action.jobName, member: member?.name, existed: created === undefined },
    'restore Job created',
  );
}

export const defaultRestoreJobBuilder: RestoreJobBuilder = restoreJobSpec;
