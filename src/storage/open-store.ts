import { readFileSync } from 'node:fs';
import { FsObjectStore } from './fs/fs-object-store.js';
import type { ObjectStore } from './object-store.js';
import type { S3Credentials } from './s3/s3-client.js';
import { S3ObjectStore } from './s3/s3-object-store.js';
import { StorageError } from './storage-error.js';
import { validateStoreConfig, type S3StoreConfig, type StoreConfig } from './store-config.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads the CA bundle file; injectable so tests need no files. */
export type ReadFile = (file: string) => string;

const MiB = 1024 * 1024;
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * Explicit credentials when the environment has a key pair (typically from a
 * Secret); otherwise undefined, and the SDK's default chain finds them (IRSA
 * web identity, EKS pod identity, shared profile, instance metadata).
 */
export function credentialsFromEnv(env: Env): S3Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID';
    throw new StorageError(
      'InvalidConfig',
      `${missing} is not set while its pair is: set both, or neither to use the default credential chain`,
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function readCaBundle(file: string, readFile: ReadFile): string {
  let pem: string;
  try {
    pem = readFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StorageError(
      'InvalidConfig',
      `caBundle ${file} cannot be read (${reason}): mount the CA file there`,
    );
  }
  if (!pem.includes(PEM_CERTIFICATE)) {
    throw new StorageError(
      'InvalidConfig',
      `caBundle ${file} holds no PEM certificate ("${PEM_CERTIFICATE}")`,
    );
  }
  return pem;
}

function openS3(config: S3StoreConfig, env: Env, readFile: ReadFile): S3ObjectStore {
  const credentials = credentialsFromEnv(env);
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return new S3ObjectStore({
    bucket: config.bucket,
    prefix: config.prefix,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(config.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
    ...(config.caBundle === undefined
      ? {}
      : { caBundlePem: readCaBundle(config.caBundle, readFile) }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(config.sse === undefined ? {} : { sse: config.sse }),
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
    ...(config.storageClass === undefined ? {} : { storageClass: config.storageClass }),
    ...(config.checksum === undefined ? {} : { checksum: config.checksum }),
    ...(config.partSizeMiB === undefined ? {} : { partSize: config.partSizeMiB * MiB }),
    ...(config.queueSize === undefined ? {} : { queueSize: config.queueSize }),
  });
}

/**
 * Opens the store a destination names. `env` is the process environment as the
 * composition root passes it (this module never reads `process.env`): it
 * supplies AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN and
 * AWS_REGION/AWS_DEFAULT_REGION. Throws `InvalidConfig` for a bad destination;
 * reachability is `check()`'s job.
 */
export function openStore(
  config: StoreConfig,
  env: Env = {},
  readFile: ReadFile = (file) => readFileSync(file, 'utf8'),
): ObjectStore {
  const valid = validateStoreConfig(config);
  return valid.kind === 's3' ? openS3(valid, env, readFile) : new FsObjectStore(valid.directory);
}
