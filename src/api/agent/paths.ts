/**
 * Where the agent finds its inputs inside its container, and where it leaves
 * its result: the Job builders mount them there, the agent reads them there.
 *
 * Controller -> agent: the agent config (backup.ts, restore.ts) as JSON in a
 * ConfigMap mounted at AGENT_CONFIG_PATH. It holds no secret: credentials
 * arrive as env vars from `secretKeyRef` (AGENT_ENV) and TLS material and age
 * identities as files from Secret volumes.
 *
 * Agent -> controller: a result (backup.ts, restore.ts) written to the
 * container's termination message, at most TERMINATION_MESSAGE_LIMIT bytes,
 * which the controller reads from the Pod status.
 */
export const AGENT_CONFIG_PATH = '/etc/etcd-snapshot/config.json';
/** Where TLS material for etcd is mounted (from the TLS Secret) when tlsSecretRef is used. */
export const AGENT_ETCD_TLS_DIR = '/etc/etcd-snapshot/etcd-tls';
export const AGENT_RECIPIENTS_DIR = '/etc/etcd-snapshot/recipients';
export const AGENT_CA_BUNDLE_DIR = '/etc/etcd-snapshot/s3-ca';
export const AGENT_VOLUME_DIR = '/var/lib/etcd-snapshot/store';
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';
export const TERMINATION_MESSAGE_LIMIT = 4096;
/** A restore's age identity (from decryptionSecretRef). */
export const RESTORE_IDENTITY_DIR = '/etc/etcd-snapshot/identity';
/** Where a DataDir Job mounts the member's volume. */
export const RESTORE_DATA_MOUNT = '/var/lib/etcd-snapshot/member';
/** Scratch space of a Logical or dry-run Job (an emptyDir). */
export const RESTORE_WORK_DIR = '/tmp';

/** Env var names the Job sets from Secrets (valueFrom.secretKeyRef); the agent reads them. */
export const AGENT_ENV = {
  etcdUsername: 'ETCD_SNAPSHOT_USERNAME',
  etcdPassword: 'ETCD_SNAPSHOT_PASSWORD',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
} as const;
/** Env var naming the etcdutl binary; `etcdutl` on PATH when unset. */
export const ETCDUTL_ENV = 'ETCD_SNAPSHOT_ETCDUTL';
