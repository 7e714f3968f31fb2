/** Names shared by the CRDs, the controller, the agents and the CLI. */

export const GROUP = 'etcdsnapshot.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const KINDS = { backup: 'EtcdBackup', restore: 'EtcdRestore' } as const;
export const PLURALS = { backup: 'etcdbackups', restore: 'etcdrestores' } as const;
export const SINGULARS = { backup: 'etcdbackup', restore: 'etcdrestore' } as const;
export const SHORT_NAMES = { backup: ['ebk'], restore: ['erst'] } as const;
/** `kubectl get etcdsnapshot` lists both kinds; they stay out of `all` like other backup tools' kinds. */
export const CATEGORIES = ['etcdsnapshot'] as const;

/** Held by an EtcdBackup with deletionPolicy Delete until its snapshots are deleted. */
export const FINALIZER = `${GROUP}/delete-snapshots`;
/** Any new value starts one run now; the value acted on is copied to status.lastRunNowToken. */
export const RUN_NOW_ANNOTATION = `${GROUP}/run-now`;

export const LABELS = {
  /** On Jobs and Pods: the EtcdBackup that owns them. */
  backup: `${GROUP}/backup`,
  /** On Jobs and Pods: the EtcdRestore that owns them. */
  restore: `${GROUP}/restore`,
  /** On restore Jobs: the etcd member a data-dir Job restores. */
  member: `${GROUP}/member`,
  /** On backup Jobs: why the run started (see RUN_TRIGGERS). */
  trigger: `${GROUP}/trigger`,
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
} as const;
export const MANAGED_BY = 'etcd-snapshot-operator';
export const RUN_TRIGGERS = ['schedule', 'run-now', 'once'] as const;
/**
 * S3 options the CRD offers, owned here as literals so that a dependency
 * update cannot change the public schema. Flexible-checksum algorithms that
 * work end to end with multipart uploads: CRC64NVME is left out on purpose
 * (`@aws-sdk/lib-storage` does not pass the per-part CRC64NVME values to
 * CompleteMultipartUpload, so servers that check them reject the upload);
 * `none` sends checksums only where the API requires them, for older
 * S3-compatible servers.
 */
export const CHECKSUM_SETTINGS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'none'] as const;
export type ChecksumSetting = (typeof CHECKSUM_SETTINGS)[number];
export const SSE_MODES = ['AES256', 'aws:kms'] as const;
export type SseMode = (typeof SSE_MODES)[number];
/** S3 storage classes (the AWS SDK's StorageClass values when this list was written). */
export const STORAGE_CLASSES = [
  'AWS_BACKUP_LOW_COST_WARM',
  'AWS_BACKUP_WARM',
  'DEEP_ARCHIVE',
  'EXPRESS_ONEZONE',
  'FSX_ONTAP',
  'FSX_OPENZFS',
  'GLACIER',
  'GLACIER_IR',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'OUTPOSTS',
  'REDUCED_REDUNDANCY',
  'SNOW',
  'STANDARD',
  'STANDARD_IA',
] as const;
export const MIN_PART_SIZE_MIB = 5;
export const MAX_PART_SIZE_MIB = 5120;
export const MAX_QUEUE_SIZE = 16;

/** How a snapshot is compressed; the names are the CRD's and the agent's. */
export const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const BACKUP_CONDITIONS = {
  ready: 'Ready',
  lastBackupSucceeded: 'LastBackupSucceeded',
  stale: 'Stale',
  suspended: 'Suspended',
} as const;

export const RESTORE_CONDITIONS = {
  sourceValid: 'SourceValid',
  checksumVerified: 'ChecksumVerified',
  restored: 'Restored',
} as const;

/**
 * Condition reasons: CamelCase, stable (alerts and scripts match on them), and
 * named for what happened rather than for the code path that noticed it.
 */
export const REASONS = {
  // spec problems: condition False, an Event, no hot retry
  invalidSpec: 'InvalidSpec',
  invalidSchedule: 'InvalidSchedule',
  invalidTimeZone: 'InvalidTimeZone',
  invalidRetention: 'InvalidRetention',
  secretNotFound: 'SecretNotFound',
  configMapNotFound: 'ConfigMapNotFound',
  // policy: what a spec of an untrusted namespace may not ask (docs/security.md)
  forbidden: 'Forbidden',
  endpointForbidden: 'EndpointForbidden',
  // scheduling
  scheduled: 'Scheduled',
  runOnce: 'RunOnce',
  suspended: 'Suspended',
  resumed: 'Resumed',
  running: 'Running',
  concurrencyForbidden: 'ConcurrencyForbidden',
  replaced: 'Replaced',
  startingDeadlineMissed: 'StartingDeadlineMissed',
  tooManyMissedSchedules: 'TooManyMissedSchedules',
  // run results
  succeeded: 'Succeeded',
  failed: 'Failed',
  jobFailed: 'JobFailed',
  deadlineExceeded: 'DeadlineExceeded',
  etcdUnreachable: 'EtcdUnreachable',
  storeUnreachable: 'StoreUnreachable',
  accessDenied: 'AccessDenied',
  checksumMismatch: 'ChecksumMismatch',
  pruneFailed: 'PruneFailed',
  noSuccessYet: 'NoSuccessYet',
  fresh: 'Fresh',
  stale: 'Stale',
  // deletion
  deletingSnapshots: 'DeletingSnapshots',
  deleteFailed: 'DeleteFailed',
  // restore
  backupNotFound: 'BackupNotFound',
  snapshotNotFound: 'SnapshotNotFound',
  noSnapshotBefore: 'NoSnapshotBefore',
  sourceResolved: 'SourceResolved',
  decryptionFailed: 'DecryptionFailed',
  checksumVerified: 'ChecksumVerified',
  targetNotEmpty: 'TargetNotEmpty',
  dryRun: 'DryRun',
  restored: 'Restored',
  restoreFailed: 'RestoreFailed',
  inProgress: 'InProgress',
} as const;

/** Bounds the status lists so a status write can never outgrow the schema. */
/** What a restore agent reports doing (status.progress.phase, its progress log lines). */
export const RESTORE_PROGRESS_PHASES = [
  'Downloading',
  'Compacting',
  'Writing',
  'Restoring',
] as const;
export type RestoreProgressPhase = (typeof RESTORE_PROGRESS_PHASES)[number];

export const STATUS_LIMITS = {
  /** status.history: the newest runs, newest first. */
  history: 20,
  /** status.active */
  active: 10,
  /** status.snapshot.content.resources / namespaces: the largest by bytes. */
  contentEntries: 100,
} as const;

/** Defaults the schema declares (the apiserver applies them); exported so code agrees. */
export const DEFAULTS = {
  tlsCaKey: 'ca.crt',
  tlsCertKey: 'tls.crt',
  tlsKeyKey: 'tls.key',
  usernameKey: 'username',
  passwordKey: 'password',
  dialTimeout: '10s',
  streamIdleTimeout: '2m',
  accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
  secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
  caBundleKey: 'ca.crt',
  recipientsKey: 'recipients.txt',
  identityKey: 'identity.txt',
  hostPathType: 'DirectoryOrCreate',
  suspend: false,
  concurrencyPolicy: 'Forbid',
  compression: 'zstd',
  /** Sized for an 8 GiB database (etcd's recommended maximum) over a slow link. */
  snapshotTimeout: '1h',
  restoreTimeout: '1h',
  backoffLimit: 2,
  successfulRunsHistoryLimit: 3,
  failedRunsHistoryLimit: 1,
  deletionPolicy: 'Retain',
  snapshot: 'latest',
  logicalPrefix: '',
  overwrite: false,
  compact: false,
  /** etcd's own defaults for --max-txn-ops and --max-request-bytes. */
  maxTxnOps: 128,
  maxRequestBytes: 1_572_864,
  dryRun: false,
  /** What the Kubernetes docs recommend for a restored apiserver etcd: watchers must relist. */
  bumpRevision: 1_000_000_000,
  markCompacted: true,
} as const;
