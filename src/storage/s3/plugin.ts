import path from 'node:path';
import type { S3StoreConfig } from '../../api/agent/store.js';
import {
  CHECKSUM_SETTINGS,
  MAX_PART_SIZE_MIB,
  MAX_QUEUE_SIZE,
  MIN_PART_SIZE_MIB,
  SSE_MODES,
  STORAGE_CLASSES,
  type ChecksumSetting,
  type SseMode,
} from '../../api/v1alpha1/constants.js';
import { normalizeBasePrefix } from '../keys.js';
import type { Env, ReadFile, StorePlugin } from '../plugin.js';
import { StorageError } from '../storage-error.js';
import { assertNoDotSegments, decodePrefix, EXAMPLES, invalidUrl } from '../url.js';
import type { S3Credentials } from './s3-client.js';
import { S3ObjectStore } from './s3-object-store.js';

/** S3 and S3-compatible stores: `s3://bucket/prefix?endpoint=...`. */

/** Query parameters of `s3://` URLs, in the order the help text lists them. */
export const S3_URL_PARAMETERS = [
  'endpoint',
  'region',
  'pathStyle',
  'caBundle',
  'sse',
  'kmsKeyId',
  'storageClass',
  'checksum',
  'partSizeMiB',
  'queueSize',
] as const;
type S3Parameter = (typeof S3_URL_PARAMETERS)[number];

function readParameters(url: URL): Map<S3Parameter, string> {
  const params = new Map<S3Parameter, string>();
  for (const [name, value] of url.searchParams) {
    // Only names are echoed: an unexpected parameter may well carry a secret.
    if (!(S3_URL_PARAMETERS as readonly string[]).includes(name)) {
      throw invalidUrl(
        `unknown query parameter "${name}" in s3:// destination: valid ones are ${S3_URL_PARAMETERS.join(', ')}`,
      );
    }
    if (params.has(name as S3Parameter))
      throw invalidUrl(`query parameter "${name}" is given twice`);
    if (value === '') throw invalidUrl(`query parameter "${name}" has no value`);
    params.set(name as S3Parameter, value);
  }
  return params;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidUrl(`${name} must be true or false (got "${value}")`);
}

function parseInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw invalidUrl(`${name} must be a whole number (got "${value}")`);
  return Number(value);
}

function fromUrl(url: URL, text: string): S3StoreConfig {
  if (url.hostname === '')
    throw invalidUrl(`the s3:// destination names no bucket: use ${EXAMPLES}`);
  assertNoDotSegments(text);
  const p = readParameters(url);
  const get = (name: S3Parameter) => p.get(name);
  const pathStyle = get('pathStyle');
  const partSize = get('partSizeMiB');
  const queueSize = get('queueSize');
  return {
    kind: 's3',
    bucket: url.hostname,
    prefix: decodePrefix(url.pathname),
    endpoint: get('endpoint'),
    region: get('region'),
    forcePathStyle: pathStyle === undefined ? undefined : parseBoolean('pathStyle', pathStyle),
    caBundle: get('caBundle'),
    sse: get('sse') as SseMode | undefined,
    kmsKeyId: get('kmsKeyId'),
    storageClass: get('storageClass') as S3StoreConfig['storageClass'],
    checksum: get('checksum') as ChecksumSetting | undefined,
    partSizeMiB: partSize === undefined ? undefined : parseInteger('partSizeMiB', partSize),
    queueSize: queueSize === undefined ? undefined : parseInteger('queueSize', queueSize),
  };
}

function invalidConfig(message: string): StorageError {
  return new StorageError('InvalidConfig', message);
}

function oneOf(name: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw invalidConfig(`${name} "${value}" is not supported: use one of ${allowed.join(', ')}`);
  }
}

function integerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidConfig(`${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
}

/** Legacy bucket names allow upper case and underscores, so the check is lenient; the server has the last word. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

export function validateEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidConfig('endpoint is not a URL: use e.g. https://minio.example:9000');
  }
  if (url.username || url.password) {
    throw invalidConfig(
      'endpoint must not contain credentials: use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the default credential chain',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidConfig(`endpoint must start with http:// or https:// (got ${url.protocol}//)`);
  }
  if (url.search || url.hash) throw invalidConfig('endpoint must not have a query or fragment');
  return endpoint.replace(/\/+$/, '');
}

function validateEncryption(config: S3StoreConfig): void {
  if (config.sse !== undefined) oneOf('sse', config.sse, SSE_MODES);
  if (config.kmsKeyId !== undefined && config.sse !== 'aws:kms') {
    throw invalidConfig('kmsKeyId needs sse=aws:kms: set both, or drop kmsKeyId');
  }
  if (config.kmsKeyId === '') throw invalidConfig('kmsKeyId must not be empty');
}

function validate(config: S3StoreConfig): S3StoreConfig {
  if (!BUCKET_NAME.test(config.bucket)) {
    throw invalidConfig(
      `bucket name ${JSON.stringify(config.bucket)} is not valid: 3-255 letters, digits, ".", "-" or "_"`,
    );
  }
  let prefix: string;
  try {
    prefix = normalizeBasePrefix(config.prefix);
  } catch (err) {
    throw invalidConfig(`prefix: ${(err as Error).message}`);
  }
  const endpoint = config.endpoint === undefined ? undefined : validateEndpoint(config.endpoint);
  if (config.region !== undefined && !/^[a-z0-9-]+$/.test(config.region)) {
    throw invalidConfig(`region "${config.region}" is not valid: use e.g. us-east-1`);
  }
  validateEncryption(config);
  if (config.storageClass !== undefined)
    oneOf('storageClass', config.storageClass, STORAGE_CLASSES);
  if (config.checksum !== undefined) oneOf('checksum', config.checksum, CHECKSUM_SETTINGS);
  if (config.partSizeMiB !== undefined) {
    integerIn('partSizeMiB', config.partSizeMiB, MIN_PART_SIZE_MIB, MAX_PART_SIZE_MIB);
  }
  if (config.queueSize !== undefined) integerIn('queueSize', config.queueSize, 1, MAX_QUEUE_SIZE);
  if (config.caBundle !== undefined && !path.isAbsolute(config.caBundle)) {
    throw invalidConfig(
      `caBundle must be an absolute path to a PEM file (got "${config.caBundle}")`,
    );
  }
  return Object.freeze({ ...config, prefix, ...(endpoint === undefined ? {} : { endpoint }) });
}

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

function open(config: S3StoreConfig, env: Env, readFile: ReadFile): S3ObjectStore {
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

export const s3Plugin: StorePlugin<S3StoreConfig> = {
  kind: 's3',
  scheme: 's3',
  fromUrl,
  validate,
  open,
};
