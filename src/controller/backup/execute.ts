import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { RUN_NOW_ANNOTATION, type EtcdBackup } from '../../api/v1alpha1/index.js';
import type { CustomResourcePort, JobPort } from '../../kube/ports.js';
import type { ResourceClient } from '../../kube/resource-client.js';
import type { Logger } from '../../observability/logger.js';
import { ignoring } from '../kit/idempotent.js';
import type { BackupAction, CreateRunAction } from './actions.js';
import type { CleanupJobBuilder, JobWithConfig, RunJobBuilder } from '../jobs/builders.js';

/** The writes a backup reconcile makes. */
export interface BackupWriteDeps {
  readonly jobs: Pick<JobPort, 'create' | 'delete'>;
  readonly configMaps: Pick<ResourceClient<V1ConfigMap>, 'create' | 'delete'>;
  readonly backupClient: Pick<CustomResourcePort<EtcdBackup>, 'patch' | 'patchStatus'>;
  readonly buildRunJob: RunJobBuilder;
  readonly buildCleanupJob: CleanupJobBuilder;
  /** The agent image: the operator's own unless spec.jobTemplate.image says otherwise. */
  readonly image: string;
}

/**
 * Executes plan actions one by one, idempotently: AlreadyExists on create and
 * NotFound on delete are success (names are deterministic), finalizer patches
 * carry the resourceVersion they were computed from (Conflict throws, and the
 * queue retries from a fresh read). Tracks the backup's resourceVersion so the
 * status write after a finalizer patch is conditional on the right one.
 */
export class BackupActionExecutor {
  private metadata: NonNullable<EtcdBackup['metadata']>;
  /** The object is gone (its last finalizer removed while deleting): nothing more to write. */
  gone = false;

  constructor(
    private readonly backup: EtcdBackup,
    private readonly deps: BackupWriteDeps,
    private readonly log: Logger,
  ) {
    this.metadata = backup.metadata ?? {};
  }

  get resourceVersion(): string | undefined {
    return this.metadata.resourceVersion;
  }

  async execute(action: BackupAction): Promise<void> {
    switch (action.type) {
      case 'CreateRun':
        return this.createRun(action);
      case 'RunCleanupJob':
        return this.create(
          action.jobName,
          'cleanup',
          this.deps.buildCleanupJob(this.input(action.jobName)),
        );
      case 'DeleteJob':
        return this.deleteJob(action.jobName, action.propagationPolicy, action.why);
      case 'AddFinalizer':
        return this.setFinalizers([...(this.metadata.finalizers ?? []), action.finalizer]);
      case 'RemoveFinalizer': {
        await this.setFinalizers(
          (this.metadata.finalizers ?? []).filter((f) => f !== action.finalizer),
        );
        if (this.metadata.deletionTimestamp !== undefined) this.gone = true;
        return;
      }
    }
  }

  private async createRun(action: CreateRunAction): Promise<void> {
    const built = this.deps.buildRunJob({
      ...this.input(action.jobName),
      scheduledTime: action.scheduledTime,
      trigger: action.trigger,
    });
    const job = action.runNowToken
      ? annotate(built.job, RUN_NOW_ANNOTATION, action.runNowToken)
      : built.job;
    await this.create(action.jobName, action.trigger, { job, configMap: built.configMap });
  }

  /** ConfigMap first: the Pod mounts it, and a Pod never waits on a missing one. */
  private async create(jobName: string, why: string, built: JobWithConfig): Promise<void> {
    await ignoring('AlreadyExists', () => this.deps.configMaps.create(built.configMap));
    const created = await ignoring('AlreadyExists', () => this.deps.jobs.create(built.job));
    this.log.info(
      { job: jobName, trigger: why, existed: created === undefined },
      'run Job created',
    );
  }

  private async deleteJob(
    jobName: string,
    propagationPolicy: 'Background' | 'Foreground' | 'Orphan',
    why: string,
  ) {
    const ns = this.namespace;
    await ignoring('NotFound', () => this.deps.jobs.delete(ns, jobName, { propagationPolicy }));
    await ignoring('NotFound', () => this.deps.configMaps.delete(ns, jobName));
    this.log.info({ job: jobName, why }, 'Job deleted');
  }

  private async setFinalizers(finalizers: string[]): Promise<void> {
    const patch = { metadata: { finalizers, resourceVersion: this.metadata.resourceVersion } };
    const updated = await this.deps.backupClient.patch(this.namespace, this.name, patch);
    this.metadata = { ...this.metadata, ...updated.metadata, finalizers };
    this.log.info({ finalizers }, 'finalizers updated');
  }

  private input(jobName: string) {
    return { backup: this.backup, jobName, image: this.deps.image, configMapName: jobName };
  }

  private get namespace(): string {
    return this.metadata.namespace ?? '';
  }

  private get name(): string {
    return this.metadata.name ?? '';
  }
}

function annotate(job: V1Job, key: string, value: string): V1Job {
  const metadata = job.metadata ?? {};
  return {
    ...job,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [key]: value } },
  };
}
