import type { RetentionSpec } from '../domain/retention.js';
import type { Compression } from '../domain/snapshot-naming.js';

/**
 * The contract between the EtcdBackup controller and `etcd-snapshot agent
 * backup`, which runs in the Job it creates.
 *
 * Controller -> agent: this JSON, in a ConfigMap mounted at AGENT_CONFIG_PATH.
 * It holds no secret: credentials arrive as env vars from `secretKeyRef`
 * (names below) and TLS material as files from Secret volumes.
 *
 * Agent -> controller: a BackupAgentResult written to the container's
 * termination message (at most 4096 bytes), which the controller reads from
 * the Pod status.
 */
export const AGENT_CONFIG_PATH = '/etc/etcd-snapshot/config.json';
/** Where TLS material for etcd is mounted (from the TLS Secret) when tlsSecretRef is used. */
export const AGENT_ETCD_TLS_DIR = '/etc/etcd-snapshot/etcd-tls';
export const AGENT_RECIPIENTS_DIR = '/etc/etcd-snapshot/recipients';
export const AGENT_CA_BUNDLE_DIR = '/etc/etcd-snapshot/s3-ca';
export const AGENT_VOLUME_DIR = '/var/lib/etcd-snapshot/store';
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';
export const TERMINATION_MESSAGE_LIMIT = 4096;

/** Env var names the Job sets from Secrets (valueFrom.secretKeyRef); the agent reads them. */
export const AGENT_ENV = {
  etcdUsername: 'ETCD_SNAPSHOT_USERNAME',
  etcdPassword: 'ETCD_SNAPSHOT_PASSWORD',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
} as const;

export interface BackupAgentConfig {
  readonly apiVersion: 'etcdsnapshot.dev/v1alpha1';
  readonly kind: 'BackupAgentConfig';
  readonly backup: { readonly namespace: string; readonly name: string; readonly uid: string };
  readonly run: {
    readonly job: string;
    readonly scheduledTime: string;
    readonly trigger: 'schedule' | 'run-now' | 'once';
  };
  readonly etcd: {
    readonly endpoints: readonly string[];
    /** Container paths of PEM files (from the mounted TLS Secret or jobTemplate hostPath). */
    readonly tls?: {
      readonly caFile?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
    };
    /** Present when an auth Secret is set: username/password come from AGENT_ENV. */
    readonly auth?: boolean;
    readonly dialTimeout: string;
    readonly streamIdleTimeout: string;
  };
  /** An s3:// or file:// destination URL (see src/storage/store-url.ts); never credentials. */
  readonly destination: string;
  readonly compression: Compression;
  readonly encryption?: {
    readonly recipients: readonly string[];
    readonly recipientsFile?: string;
  };
  /** Applied by the agent right after a successful save, only to this backup's objects. */
  readonly retention?: RetentionSpec;
}

export type BackupResultReason =
  | 'Succeeded'
  | 'EtcdUnreachable'
  | 'EtcdAuthFailed'
  | 'EtcdTlsError'
  | 'StoreUnreachable'
  | 'AccessDenied'
  | 'BucketNotFound'
  | 'InvalidCredentials'
  | 'StoreTlsError'
  | 'ChecksumMismatch'
  | 'SnapshotCorrupt'
  | 'InvalidConfig'
  | 'Failed';

export interface BackupAgentResult {
  readonly kind: 'BackupAgentResult';
  readonly succeeded: boolean;
  readonly reason: BackupResultReason;
  /** Human, names the fix, never a secret; truncated to fit the termination message. */
  readonly message: string;
  readonly snapshot?: {
    readonly key: string;
    readonly uri: string;
    readonly size: number;
    readonly storedSize: number;
    readonly sha256: string;
    readonly revision: string;
    readonly etcdVersion: string;
    readonly clusterId: string;
    readonly startTime: string;
    readonly endTime: string;
  };
  /** Retention after the save: failures here do not fail the run (the snapshot is safe). */
  readonly retention?: {
    readonly snapshots: number;
    readonly totalStoredBytes: number;
    readonly removed: number;
    readonly error?: string;
  };
}
