import type { BackupAgentConfig, StoreConfig } from '../../api/agent/index.js';
import {
  API_VERSION,
  DEFAULTS,
  GROUP,
  KINDS,
  LABELS,
  MANAGED_BY,
  type RunTrigger,
} from '../../api/v1alpha1/constants.js';
import type { EtcdBackup, EtcdBackupSpec } from '../../api/v1alpha1/etcd-backup.js';
import { agentJobSpec, ownerIdentity, timeoutSeconds, type AgentJobSpec } from './agent-job.js';
import type { AgentTask } from './agent-pod.js';
import {
  encryptionWiring,
  etcdAgentConfig,
  etcdWiring,
  joinWiring,
  JobSpecError,
  noWiring,
  type ReferenceRequirement,
  type Wiring,
} from './wiring.js';
import { destinationWiring } from './destinations/index.js';
import type { StringMap } from './kube-shapes.js';
import type { RetentionSpec } from '../../domain/retention.js';

export { JobSpecError } from './wiring.js';

/**
 * Every Secret and ConfigMap a backup's Jobs mount, with its keys and the
 * field naming it: what backupJobSpec wires, for the controller to check
 * before a run starts.
 */
export function backupReferences(spec: EtcdBackupSpec): ReferenceRequirement[] {
  let destination: Wiring;
  try {
    destination = destinationWiring(spec.destination);
  } catch (err) {
    if (!(err instanceof JobSpecError)) throw err;
    destination = noWiring(); // the run reports the spec problem itself
  }
  return joinWiring(etcdWiring(spec.etcd), encryptionWiring(spec.encryption), destination)
    .references;
}
export { AGENT_CONTAINER_NAME } from './agent-pod.js';

/** On backup Jobs and their Pods: the scheduled time (RFC 3339) the run is for. */
export const SCHEDULED_TIME_ANNOTATION = `${GROUP}/scheduled-time`;
export const BACKUP_COMPONENT = 'backup';

export interface BackupJobInput {
  /** As read from the API: defaults may be missing (DEFAULTS fills them). */
  readonly backup: EtcdBackup;
  readonly jobName: string;
  readonly scheduledTime: Date;
  readonly trigger: RunTrigger;
  /** The operator's own image; jobTemplate.image overrides it. */
  readonly image: string;
  readonly configMapName: string;
}

export type BackupJobSpec = AgentJobSpec<BackupAgentConfig>;

function retentionSpec(spec: EtcdBackupSpec): RetentionSpec | undefined {
  const r = spec.retention;
  if (!r) return undefined;
  const entries = Object.entries({
    ...r,
    ...(r.maxTotalSize === undefined ? {} : { maxTotalSize: String(r.maxTotalSize) }),
  }).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as RetentionSpec) : undefined;
}

function agentConfig(
  input: BackupJobInput,
  id: { name: string; namespace: string; uid: string },
  parts: {
    etcd: ReturnType<typeof etcdWiring>;
    encryption: ReturnType<typeof encryptionWiring>;
    store: StoreConfig;
  },
): BackupAgentConfig {
  const { spec } = input.backup;
  const retention = retentionSpec(spec);
  return {
    apiVersion: API_VERSION,
    kind: 'BackupAgentConfig',
    backup: id,
    run: {
      job: input.jobName,
      scheduledTime: input.scheduledTime.toISOString(),
      trigger: input.trigger,
    },
    etcd: etcdAgentConfig(spec.etcd, parts.etcd.tls),
    store: parts.store,
    compression: spec.compression ?? DEFAULTS.compression,
    ...(parts.encryption.encryption ? { encryption: parts.encryption.encryption } : {}),
    ...(retention ? { retention } : {}),
  };
}

/**
 * The Job (and the ConfigMap holding its BackupAgentConfig) for one run of an
 * EtcdBackup; with task `delete`, its deletionPolicy Delete cleanup (see
 * cleanup-job.ts). Pure: same input, same objects. It never sees a
 * secret value: credentials are `secretKeyRef` env vars and Secret volumes
 * by name and key. Throws JobSpecError for a spec the schema should have refused.
 */
export function backupJobSpec(
  input: BackupJobInput,
  task: Extract<AgentTask, 'backup' | 'delete'> = 'backup',
): BackupJobSpec {
  const id = ownerIdentity(KINDS.backup, input.backup.metadata);
  const { spec } = input.backup;
  if (spec.etcd.tlsSecretRef && spec.etcd.tlsFiles)
    throw new JobSpecError('spec.etcd: set tlsSecretRef or tlsFiles, not both');
  const etcd = etcdWiring(spec.etcd);
  const encryption = encryptionWiring(spec.encryption);
  const destination = destinationWiring(spec.destination);
  const config = agentConfig(input, id, { etcd, encryption, store: destination.store });
  const t = spec.jobTemplate ?? {};
  const labels: StringMap = {
    ...t.metadata?.labels,
    [LABELS.backup]: id.name,
    [LABELS.trigger]: input.trigger,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: BACKUP_COMPONENT,
  };
  const annotations: StringMap = {
    ...t.metadata?.annotations,
    [SCHEDULED_TIME_ANNOTATION]: input.scheduledTime.toISOString(),
  };
  const { job, configMap } = agentJobSpec({
    owner: { kind: KINDS.backup, ...id },
    jobName: input.jobName,
    configMapName: input.configMapName,
    labels,
    annotations,
    backoffLimit: spec.backoffLimit ?? DEFAULTS.backoffLimit,
    activeDeadlineSeconds: timeoutSeconds(
      'spec.snapshotTimeout',
      spec.snapshotTimeout ?? DEFAULTS.snapshotTimeout,
    ),
    pod: {
      task,
      template: t,
      image: input.image,
      wiring: joinWiring(etcd, encryption, destination),
      hostFiles: Boolean(spec.etcd.tlsFiles || spec.destination.volume?.hostPath),
    },
    config,
  });
  return { job, configMap, config };
}
