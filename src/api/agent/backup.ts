import { Type, type Static } from '@sinclair/typebox';
import { COMPRESSIONS, RUN_TRIGGERS } from '../v1alpha1/constants.js';
import {
  absolutePath,
  AGENT_API_VERSION,
  count,
  EtcdConnectionConfig,
  oneOf,
  ResultFrame,
  text,
  time,
} from './common.js';
import { StoreConfig } from './store.js';
import { readAgentResult } from './read.js';

const { Optional } = Type;

/** The agent's retention rules: the EtcdBackup's, with sizes and ages as strings. */
export const RetentionConfig = Type.Object({
  keepLast: Optional(count()),
  keepHourly: Optional(count()),
  keepDaily: Optional(count()),
  keepWeekly: Optional(count()),
  keepMonthly: Optional(count()),
  maxAge: Optional(text('must be a duration such as 30d')),
  maxTotalSize: Optional(text('must be a size such as 10Gi')),
});

/** Controller -> `etcd-snapshot agent backup` (and `agent delete`, which uses the same). */
export const BackupAgentConfig = Type.Object({
  apiVersion: Type.Literal(AGENT_API_VERSION),
  kind: Type.Literal('BackupAgentConfig'),
  backup: Type.Object({
    namespace: text(),
    name: Type.String({
      pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
      errorMessage: 'must be a DNS-1123 label (it names the snapshot folder)',
    }),
    uid: text(),
  }),
  run: Type.Object({ job: text(), scheduledTime: time(), trigger: oneOf(RUN_TRIGGERS) }),
  etcd: EtcdConnectionConfig,
  /** Where snapshots go, typed per kind (store.ts); never credentials. */
  store: StoreConfig,
  compression: oneOf(COMPRESSIONS),
  encryption: Optional(
    Type.Object({
      recipients: Type.Array(Type.String(), {
        errorMessage: 'must be a list of age recipients (it may be empty)',
      }),
      recipientsFile: Optional(absolutePath()),
    }),
  ),
  /** Applied by the agent right after a successful save, only to this backup's objects. */
  retention: Optional(RetentionConfig),
});
export type BackupAgentConfig = Static<typeof BackupAgentConfig>;

export const BACKUP_RESULT_REASONS = [
  'Succeeded',
  'EtcdUnreachable',
  'EtcdAuthFailed',
  'EtcdTlsError',
  'StoreUnreachable',
  'AccessDenied',
  'BucketNotFound',
  'InvalidCredentials',
  'StoreTlsError',
  'ChecksumMismatch',
  'SnapshotCorrupt',
  'InvalidConfig',
  'Failed',
] as const;
export type BackupResultReason = (typeof BACKUP_RESULT_REASONS)[number];

const BackupResultSchema = Type.Object({
  kind: Type.Literal('BackupAgentResult'),
  ...ResultFrame,
  snapshot: Optional(
    Type.Object({
      key: Type.String(),
      uri: Type.String(),
      size: count(),
      storedSize: count(),
      sha256: Type.String(),
      revision: Type.String(),
      etcdVersion: Type.String(),
      clusterId: Type.String(),
      startTime: time(),
      endTime: time(),
    }),
  ),
  /** Retention after the save: failures here do not fail the run (the snapshot is safe). */
  retention: Optional(
    Type.Object({
      snapshots: count(),
      totalStoredBytes: count(),
      removed: count(),
      error: Optional(Type.String()),
    }),
  ),
});
/**
 * Agent -> controller. The reader accepts any CamelCase reason, so a newer
 * agent's new reason still reaches the status; the writer's type knows them all.
 */
export const BackupAgentResult = BackupResultSchema;
export type BackupAgentResult = Omit<Static<typeof BackupResultSchema>, 'reason'> & {
  reason: BackupResultReason;
};

/** A BackupAgentResult from a termination message, else undefined (see readAgentResult). */
export function readBackupResult(message: string | undefined): BackupAgentResult | undefined {
  return readAgentResult(BackupAgentResult, message) as BackupAgentResult | undefined;
}
