import type { BackupAgentConfig, BackupResultReason } from '../contract.js';

/**
 * The contract between the EtcdRestore controller and `etcd-snapshot agent
 * restore`, which runs in the Jobs it creates: one Job for a Logical restore
 * or a dry run, one Job per member for DataDir.
 *
 * Controller -> agent: this JSON in a ConfigMap mounted at AGENT_CONFIG_PATH;
 * no secret in it (credentials arrive as env vars and Secret volumes).
 * Agent -> controller: a RestoreAgentResult in the termination message.
 */
export const RESTORE_IDENTITY_DIR = '/etc/etcd-snapshot/identity';
/** Where a DataDir Job mounts the member's volume. */
export const RESTORE_DATA_MOUNT = '/var/lib/etcd-snapshot/member';
/** Scratch space of a Logical or dry-run Job (an emptyDir). */
export const RESTORE_WORK_DIR = '/tmp';
/** Env var naming the etcdutl binary; `etcdutl` on PATH when unset. */
export const ETCDUTL_ENV = 'ETCD_SNAPSHOT_ETCDUTL';

/** The agent's exit code for a refused target (not empty, or held by a running etcd): the CLI's. */
export const REFUSED_EXIT_CODE = 6;

export type RestoreMode = 'Logical' | 'DataDir';

export interface RestoreSourceConfig {
  /** An s3:// or file:// URL (see src/storage/store-url.ts). */
  readonly destination: string;
  /** Pick by exact key (relative to the destination's prefix) ... */
  readonly key?: string;
  /** ... or the latest snapshot of this backup name, optionally taken at or before latestBefore. */
  readonly name?: string;
  readonly latestBefore?: string;
  /** Container path of the age identity file, for encrypted snapshots. */
  readonly identityFile?: string;
}

export interface DataDirTargetConfig {
  readonly member: { readonly name: string; readonly peerURL: string };
  /** Container path of the data directory. */
  readonly dataDir: string;
  /**
   * `directory`: the data directory itself is renamed aside (its parent is mounted).
   * `member`: the data directory is a volume root, so its `member` folder is swapped instead.
   */
  readonly swap: 'directory' | 'member';
  readonly initialCluster: string;
  readonly initialClusterToken: string;
  readonly bumpRevision: number;
  readonly markCompacted: boolean;
  /** UTC yyyymmddThhmmssZ shared by every member's Job: names the kept previous directory. */
  readonly stamp: string;
}

export interface RestoreAgentConfig {
  readonly apiVersion: 'etcdsnapshot.dev/v1alpha1';
  readonly kind: 'RestoreAgentConfig';
  readonly restore: { readonly namespace: string; readonly name: string; readonly uid: string };
  readonly job: string;
  readonly mode: RestoreMode;
  readonly dryRun: boolean;
  readonly source: RestoreSourceConfig;
  /** Where the snapshot is downloaded (container path). */
  readonly workDir: string;
  /** Logical mode (and a Logical dry run, which reports what it would replace). */
  readonly logical?: {
    readonly etcd: BackupAgentConfig['etcd'];
    readonly prefix: string;
    readonly overwrite: boolean;
  };
  /** DataDir mode: the one member this Job restores. */
  readonly dataDir?: DataDirTargetConfig;
}

export type RestoreResultReason =
  | BackupResultReason
  | 'SnapshotNotFound'
  | 'NoSnapshotBefore'
  | 'DecryptionFailed'
  | 'TargetNotEmpty'
  | 'TargetInUse'
  | 'RestoreFailed';

export interface RestoredSnapshot {
  readonly key: string;
  readonly uri: string;
  readonly revision: string;
  readonly sha256: string;
  readonly etcdVersion: string;
  readonly size: number;
  readonly encrypted: boolean;
  /** The largest groups only, so the result fits the termination message. */
  readonly content?: {
    readonly revision: string;
    readonly liveKeys: number;
    readonly liveBytes: number;
    readonly resources?: ReadonlyArray<{ name: string; keys: number; bytes: number }>;
    readonly namespaces?: ReadonlyArray<{ name: string; keys: number; bytes: number }>;
  };
}

export interface RestoreAgentResult {
  readonly kind: 'RestoreAgentResult';
  readonly succeeded: boolean;
  readonly reason: RestoreResultReason;
  /** Human, names the fix, never a secret. */
  readonly message: string;
  /** True once the stored and database sha256 matched the manifest; false when they did not. */
  readonly checksumVerified?: boolean;
  readonly snapshot?: RestoredSnapshot;
  readonly logical?: {
    readonly existingKeys: number;
    readonly keys: number;
    readonly bytes: number;
    readonly transactions: number;
  };
  readonly member?: {
    readonly name: string;
    readonly dataDir: string;
    readonly previousDataDir?: string;
  };
  readonly dryRun?: boolean;
}
