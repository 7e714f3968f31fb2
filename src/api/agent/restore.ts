import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RESTORE_PROGRESS_PHASES } from '../v1alpha1/constants.js';
import { BACKUP_RESULT_REASONS } from './backup.js';
import {
  absolutePath,
  AGENT_API_VERSION,
  clientUrl,
  count,
  EtcdConnectionConfig,
  OwnerRef,
  oneOf,
  ResultFrame,
  text,
  time,
} from './common.js';
import { StoreConfig } from './store.js';
import { readAgentResult } from './read.js';

const { Optional } = Type;

export const RestoreSourceConfig = Type.Object({
  /** Where the snapshot is, typed per kind (store.ts). */
  store: StoreConfig,
  /** Pick by exact key (relative to the destination's prefix) ... */
  key: Optional(Type.String({ pattern: '^[^/]', errorMessage: 'must be a relative object key' })),
  /** ... or the latest snapshot of this backup name, optionally taken at or before latestBefore. */
  name: Optional(text('must be a backup name')),
  latestBefore: Optional(time()),
  /** Container path of the age identity file, for encrypted snapshots. */
  identityFile: Optional(absolutePath()),
});
export type RestoreSourceConfig = Static<typeof RestoreSourceConfig>;

export const DataDirTargetConfig = Type.Object({
  member: Type.Object({ name: text(), peerURL: clientUrl('https://10.0.0.10:2380') }),
  /** Container path of the data directory. */
  dataDir: absolutePath(),
  /**
   * `directory`: the data directory itself is renamed aside (its parent is mounted).
   * `member`: the data directory is a volume root, so its `member` folder is swapped instead.
   */
  swap: oneOf(['directory', 'member'] as const),
  initialCluster: text(),
  initialClusterToken: text(),
  bumpRevision: count(),
  markCompacted: Type.Boolean(),
  /** UTC yyyymmddThhmmssZ shared by every member's Job: names the kept previous directory. */
  stamp: Type.String({
    pattern: '^\\d{8}T\\d{6}Z$',
    errorMessage: 'must be a UTC time like 20260301T120000Z',
  }),
});
export type DataDirTargetConfig = Static<typeof DataDirTargetConfig>;

/** Controller -> `etcd-snapshot agent restore`: one Job for Logical or a dry run, one per DataDir member. */
export const RestoreAgentConfig = Type.Object({
  apiVersion: Type.Literal(AGENT_API_VERSION),
  kind: Type.Literal('RestoreAgentConfig'),
  restore: OwnerRef,
  job: text(),
  mode: oneOf(['Logical', 'DataDir'] as const),
  dryRun: Type.Boolean(),
  source: RestoreSourceConfig,
  /** Where the snapshot is downloaded (container path). */
  workDir: absolutePath(),
  /** Logical mode (and a Logical dry run, which reports what it would replace). */
  logical: Optional(
    Type.Object({
      etcd: EtcdConnectionConfig,
      prefix: Type.String(),
      overwrite: Type.Boolean(),
      /** Compact and defragment the target after clearing the range (spec.logical.compact). */
      compact: Optional(Type.Boolean()),
      /** The target's limits (spec.logical); etcd's defaults when unset. */
      maxTxnOps: Optional(
        Type.Integer({ minimum: 1, errorMessage: 'must be a whole number, 1 or more' }),
      ),
      maxRequestBytes: Optional(text('must be a byte size such as 1.5Mi')),
    }),
  ),
  /** DataDir mode: the one member this Job restores. */
  dataDir: Optional(DataDirTargetConfig),
});
export type RestoreAgentConfig = Static<typeof RestoreAgentConfig>;

export const RESTORE_RESULT_REASONS = [
  ...BACKUP_RESULT_REASONS,
  'SnapshotNotFound',
  'NoSnapshotBefore',
  'DecryptionFailed',
  'TargetNotEmpty',
  'TargetInUse',
  'ValueTooLarge',
  'RequestTooLarge',
  'EtcdNoSpace',
  'RestoreFailed',
] as const;
export type RestoreResultReason = (typeof RESTORE_RESULT_REASONS)[number];

const contentCounts = Type.Array(
  Type.Object({ name: Type.String(), keys: count(), bytes: count() }),
);

export const RestoredSnapshot = Type.Object({
  key: Type.String(),
  uri: Type.String(),
  revision: Type.String(),
  sha256: Type.String(),
  etcdVersion: Type.String(),
  size: count(),
  encrypted: Type.Boolean(),
  /** The largest groups only, so the result fits the termination message. */
  content: Optional(
    Type.Object({
      revision: Type.String(),
      liveKeys: count(),
      liveBytes: count(),
      resources: Optional(contentCounts),
      namespaces: Optional(contentCounts),
    }),
  ),
});
export type RestoredSnapshot = Static<typeof RestoredSnapshot>;

/** Agent -> controller; as for backups, any CamelCase reason is read. */
export const RestoreAgentResult = Type.Object({
  kind: Type.Literal('RestoreAgentResult'),
  ...ResultFrame,
  /** True once the stored and database sha256 matched the manifest; false when they did not. */
  checksumVerified: Optional(Type.Boolean()),
  snapshot: Optional(RestoredSnapshot),
  logical: Optional(
    Type.Object({
      existingKeys: count(),
      keys: count(),
      bytes: count(),
      transactions: count(),
      /** Set when the target was compacted (and defragmented) to this revision before writing. */
      compactedRevision: Optional(Type.String()),
    }),
  ),
  member: Optional(
    Type.Object({
      name: Type.String(),
      dataDir: Type.String(),
      previousDataDir: Optional(Type.String()),
    }),
  ),
  dryRun: Optional(Type.Boolean()),
});
export type RestoreAgentResult = Omit<Static<typeof RestoreAgentResult>, 'reason'> & {
  reason: RestoreResultReason;
};

/** A RestoreAgentResult from a termination message, else undefined (see readAgentResult). */
export function readRestoreResult(message: string | undefined): RestoreAgentResult | undefined {
  return readAgentResult(RestoreAgentResult, message) as RestoreAgentResult | undefined;
}

/** The message of the agent's progress log lines; the controller reads the newest from the Pod's log. */
export const RESTORE_PROGRESS_MESSAGE = 'restore progress';

/** One progress line's `progress` field: what the agent is doing and how far it got. */
export const RestoreProgress = Type.Object({
  phase: oneOf(RESTORE_PROGRESS_PHASES),
  bytes: Optional(count()),
  totalBytes: Optional(count()),
  keys: Optional(count()),
  totalKeys: Optional(count()),
  /** When the agent logged it (RFC 3339). */
  time: time(),
});
export type RestoreProgress = Static<typeof RestoreProgress>;

/**
 * The newest well-formed progress line in the tail of an agent's log (pino
 * JSON, one object per line), else undefined: anything else is ignored.
 */
export function readRestoreProgress(logTail: string): RestoreProgress | undefined {
  const lines = logTail.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith('{') || !line.includes(RESTORE_PROGRESS_MESSAGE)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; progress?: unknown };
      if (entry.msg === RESTORE_PROGRESS_MESSAGE && Value.Check(RestoreProgress, entry.progress))
        return entry.progress;
    } catch {
      // A line cut by the tail or not ours: look further back.
    }
  }
  return undefined;
}
