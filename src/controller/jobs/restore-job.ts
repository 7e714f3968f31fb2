import path from 'node:path';
import { EXIT_CODES } from '../../api/errors.js';
import {
  RESTORE_DATA_MOUNT,
  RESTORE_IDENTITY_DIR,
  RESTORE_WORK_DIR,
  type DataDirTargetConfig,
  type RestoreAgentConfig,
  type RestoreSourceConfig,
} from '../../api/agent/index.js';
import { API_VERSION, DEFAULTS, KINDS, LABELS, MANAGED_BY } from '../../api/v1alpha1/constants.js';
import type { EtcdBackup } from '../../api/v1alpha1/etcd-backup.js';
import type { EtcdRestore } from '../../api/v1alpha1/etcd-restore.js';
import { agentJobSpec, ownerIdentity, timeoutSeconds, type AgentJobSpec } from './agent-job.js';
import {
  etcdAgentConfig,
  etcdWiring,
  joinWiring,
  JobSpecError,
  noWiring,
  uses,
  type Wiring,
} from './wiring.js';
import { destinationWiring } from './destinations/index.js';
import { parseByteQuantity } from '../../domain/quantity.js';
import { txnLimitsProblem } from '../../domain/txn-limits.js';
import type { StringMap, VolumeShape } from './kube-shapes.js';

export const RESTORE_COMPONENT = 'restore';
/** The volume holding a DataDir member's data directory. */
export const MEMBER_VOLUME = 'etcd-snapshot-member';
const IDENTITY_VOLUME = 'etcd-snapshot-identity';
const IDENTITY_FILE = 'identity.txt';
/** Transient failures (etcd or S3 unreachable) are retried; the rest fail the Job at once. */
const RESTORE_BACKOFF_LIMIT = 2;

type Member = NonNullable<EtcdRestore['spec']['dataDir']>['members'][number];

export interface RestoreJobInput {
  /** As read from the API: defaults may be missing (DEFAULTS fills them). */
  readonly restore: EtcdRestore;
  /** The EtcdBackup named by source.backupRef. */
  readonly backup?: EtcdBackup;
  readonly jobName: string;
  readonly image: string;
  /** DataDir (not a dry run): the member this Job restores. */
  readonly member?: Member;
  /** The restore's start, UTC yyyymmddThhmmssZ: names every member's kept previous directory. */
  readonly stamp: string;
}

export type RestoreJobSpec = AgentJobSpec<RestoreAgentConfig>;

/** Where the snapshot is, and the spec field that says so. */
function sourceDestination(restore: EtcdRestore, backup: EtcdBackup | undefined) {
  const ref = restore.spec.source.backupRef;
  const destination = ref
    ? backup?.spec.destination
    : (restore.spec.source.destination ?? undefined);
  const at = ref ? `EtcdBackup ${ref.name} spec.destination` : 'spec.source.destination';
  return destination && { destination, at };
}

/** The age identity, from spec.source.decryptionSecretRef, as a file. */
function decryptionWiring(restore: EtcdRestore): Wiring {
  const wiring = noWiring();
  const secret = restore.spec.source.decryptionSecretRef;
  if (!secret) return wiring;
  const key = secret.key ?? DEFAULTS.identityKey;
  uses(wiring, 'Secret', 'spec.source.decryptionSecretRef', secret.name, [key]);
  wiring.volumes.push({
    name: IDENTITY_VOLUME,
    secret: { secretName: secret.name, items: [{ key, path: IDENTITY_FILE }] },
  });
  wiring.mounts.push({ name: IDENTITY_VOLUME, mountPath: RESTORE_IDENTITY_DIR, readOnly: true });
  return wiring;
}

/**
 * Every Secret and ConfigMap a restore's Jobs mount, with its keys and the
 * field naming it: what the Job builder wires, for the controller to check
 * before any Job exists. The destination's are known once its EtcdBackup is.
 */
export function restoreReferences(restore: EtcdRestore, backup: EtcdBackup | undefined) {
  const source = sourceDestination(restore, backup);
  const etcd = restore.spec.logical?.etcd;
  return joinWiring(
    source ? destinationWiring(source.destination, source.at) : noWiring(),
    decryptionWiring(restore),
    etcd && restore.spec.mode === 'Logical' ? etcdWiring(etcd, 'spec.logical.etcd') : noWiring(),
  ).references;
}

function sourceOf(input: RestoreJobInput): { wiring: Wiring; source: RestoreSourceConfig } {
  const { source } = input.restore.spec;
  const located = sourceDestination(input.restore, input.backup);
  if (!located)
    throw new JobSpecError(
      source.backupRef
        ? `EtcdBackup ${source.backupRef.name} is needed to find the snapshot's destination`
        : 'spec.source needs destination and key, or backupRef',
    );
  const d = destinationWiring(located.destination, located.at);
  const ref = source.backupRef;
  const pick: Pick<RestoreSourceConfig, 'key' | 'name' | 'latestBefore'> = ref
    ? (ref.snapshot ?? DEFAULTS.snapshot) !== 'latest'
      ? { key: ref.snapshot! }
      : { name: ref.name, ...(ref.latestBefore ? { latestBefore: ref.latestBefore } : {}) }
    : { key: source.key! };
  const identity = source.decryptionSecretRef
    ? { identityFile: `${RESTORE_IDENTITY_DIR}/${IDENTITY_FILE}` }
    : {};
  return {
    wiring: joinWiring(d, decryptionWiring(input.restore)),
    source: { store: d.store, ...pick, ...identity },
  };
}

/** The member's volume (the data directory's parent for a host path) and its container paths. */
function memberWiring(member: Member): {
  wiring: Wiring;
  dataDir: string;
  swap: DataDirTargetConfig['swap'];
} {
  const sub = member.dataDirSubPath;
  if (member.hostPath) {
    const full = path.posix.join(member.hostPath.path, sub ?? '');
    const volume: VolumeShape = {
      name: MEMBER_VOLUME,
      hostPath: { path: path.posix.dirname(full), type: 'DirectoryOrCreate' },
    };
    return {
      wiring: {
        volumes: [volume],
        mounts: [{ name: MEMBER_VOLUME, mountPath: RESTORE_DATA_MOUNT }],
        env: [],
        references: [],
      },
      dataDir: path.posix.join(RESTORE_DATA_MOUNT, path.posix.basename(full)),
      swap: 'directory',
    };
  }
  const claim = member.persistentVolumeClaim;
  if (!claim)
    throw new JobSpecError(`member ${member.name} needs hostPath or persistentVolumeClaim`);
  return {
    wiring: {
      volumes: [{ name: MEMBER_VOLUME, persistentVolumeClaim: { claimName: claim.claimName } }],
      mounts: [{ name: MEMBER_VOLUME, mountPath: RESTORE_DATA_MOUNT }],
      env: [],
      references: [],
    },
    dataDir: sub ? path.posix.join(RESTORE_DATA_MOUNT, sub) : RESTORE_DATA_MOUNT,
    // The volume root cannot be renamed: its `member` folder is swapped instead.
    swap: sub ? 'directory' : 'member',
  };
}

/** --initial-cluster of the restored cluster: spec.dataDir.initialCluster or every member's peer URL. */
export function initialClusterOf(restore: EtcdRestore): string {
  const d = restore.spec.dataDir;
  if (!d) return '';
  return d.initialCluster ?? d.members.map((m) => `${m.name}=${m.peerURL}`).join(',');
}

/** A token unique to this restore, so the restored members never join an old cluster's peers. */
export function clusterTokenOf(restore: EtcdRestore): string {
  const uid = restore.metadata?.uid ?? '';
  return (
    restore.spec.dataDir?.initialClusterToken ??
    `${restore.metadata?.name ?? 'etcd'}-${uid.slice(0, 8)}`
  );
}

function dataDirTarget(
  input: RestoreJobInput,
  member: Member,
  wired: ReturnType<typeof memberWiring>,
) {
  const d = input.restore.spec.dataDir!;
  const target: DataDirTargetConfig = {
    member: { name: member.name, peerURL: member.peerURL },
    dataDir: wired.dataDir,
    swap: wired.swap,
    initialCluster: initialClusterOf(input.restore),
    initialClusterToken: clusterTokenOf(input.restore),
    bumpRevision: d.bumpRevision ?? DEFAULTS.bumpRevision,
    markCompacted: d.markCompacted ?? DEFAULTS.markCompacted,
    stamp: input.stamp,
  };
  return target;
}

/**
 * The Job (and the ConfigMap holding its RestoreAgentConfig) for a Logical
 * restore or a dry run, or for one DataDir member. Pure; never sees a secret
 * value. Throws JobSpecError for a spec the schema should have refused.
 */
export function restoreJobSpec(input: RestoreJobInput): RestoreJobSpec {
  const id = ownerIdentity(KINDS.restore, input.restore.metadata);
  const { spec } = input.restore;
  const dryRun = spec.dryRun ?? DEFAULTS.dryRun;
  const { wiring: sourceWiring, source } = sourceOf(input);
  const parts: Wiring[] = [sourceWiring];
  let logical: RestoreAgentConfig['logical'];
  let dataDir: DataDirTargetConfig | undefined;
  let hostFiles = Boolean(
    input.backup?.spec.destination.volume?.hostPath ?? spec.source.destination?.volume?.hostPath,
  );
  if (spec.mode === 'Logical') {
    const l = spec.logical;
    if (!l) throw new JobSpecError('mode Logical needs spec.logical');
    const etcd = etcdWiring(l.etcd, 'spec.logical.etcd');
    parts.push(etcd);
    hostFiles ||= Boolean(l.etcd.tlsFiles);
    logical = {
      etcd: etcdAgentConfig(l.etcd, etcd.tls),
      prefix: l.prefix ?? DEFAULTS.logicalPrefix,
      overwrite: l.overwrite ?? DEFAULTS.overwrite,
      compact: l.compact ?? DEFAULTS.compact,
      maxTxnOps: l.maxTxnOps ?? DEFAULTS.maxTxnOps,
      maxRequestBytes: String(l.maxRequestBytes ?? DEFAULTS.maxRequestBytes),
    };
    checkTxnLimits(l);
  } else if (input.member && !dryRun) {
    const wired = memberWiring(input.member);
    parts.push(wired.wiring);
    hostFiles ||= Boolean(input.member.hostPath);
    dataDir = dataDirTarget(input, input.member, wired);
  } else if (!dryRun) {
    throw new JobSpecError('a DataDir restore Job is built for one member');
  }
  const config: RestoreAgentConfig = {
    apiVersion: API_VERSION,
    kind: 'RestoreAgentConfig',
    restore: id,
    job: input.jobName,
    mode: spec.mode,
    dryRun,
    source,
    workDir: RESTORE_WORK_DIR,
    ...(logical ? { logical } : {}),
    ...(dataDir ? { dataDir } : {}),
  };
  const t = spec.jobTemplate ?? {};
  const labels: StringMap = {
    ...t.metadata?.labels,
    [LABELS.restore]: id.name,
    ...(input.member ? { [LABELS.member]: input.member.name } : {}),
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: RESTORE_COMPONENT,
  };
  const { job, configMap } = agentJobSpec({
    owner: { kind: KINDS.restore, ...id },
    jobName: input.jobName,
    configMapName: input.jobName,
    labels,
    annotations: { ...t.metadata?.annotations },
    backoffLimit: RESTORE_BACKOFF_LIMIT,
    activeDeadlineSeconds: timeoutSeconds(
      'spec.restoreTimeout',
      spec.restoreTimeout ?? DEFAULTS.restoreTimeout,
    ),
    failJobExitCodes: [EXIT_CODES.integrity, EXIT_CODES.refused],
    pod: {
      task: 'restore',
      template: t,
      image: input.image,
      wiring: joinWiring(...parts),
      hostFiles,
      ...(input.member?.nodeName ? { nodeName: input.member.nodeName } : {}),
    },
    config,
  });
  return { job, configMap, config };
}

/** The target's limits as the spec gives them; a value the agent would refuse fails the restore here. */
function checkTxnLimits(l: NonNullable<EtcdRestore['spec']['logical']>): void {
  let maxRequestBytes: number;
  try {
    maxRequestBytes = parseByteQuantity(String(l.maxRequestBytes ?? DEFAULTS.maxRequestBytes));
  } catch (err) {
    throw new JobSpecError(`spec.logical.maxRequestBytes: ${(err as Error).message}`);
  }
  const problem = txnLimitsProblem(
    { maxTxnOps: l.maxTxnOps ?? DEFAULTS.maxTxnOps, maxRequestBytes },
    { maxTxnOps: 'spec.logical.maxTxnOps', maxRequestBytes: 'spec.logical.maxRequestBytes' },
  );
  if (problem) throw new JobSpecError(problem);
}
