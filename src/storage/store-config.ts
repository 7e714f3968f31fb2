import path from 'node:path';
import {
  CHECKSUM_SETTINGS,
  MAX_PART_SIZE_MIB,
  MAX_QUEUE_SIZE,
  MIN_PART_SIZE_MIB,
  SSE_MODES,
  STORAGE_CLASSES,
  type ChecksumSetting,
  type SseMode,
} from '../api/v1alpha1/constants.js';
import { normalizeBasePrefix } from './keys.js';
import { StorageError } from './storage-error.js';

export interface S3StoreConfig {
  readonly kind: 's3';
  readonly bucket: string;
  /** '' or a normalised prefix ending in '/', e.g. `clusters/prod/`. */
  readonly prefix: string;
  /** Custom endpoint (MinIO, Ceph, versitygw…); AWS S3 when absent. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Defaults to true with a custom endpoint (what most S3-compatible servers need), false on AWS. */
  readonly forcePathStyle?: boolean;
  /** Path of a PEM file with extra CA certificates trusted for the endpoint. */
  readonly caBundle?: string;
  readonly sse?: SseMode;
  readonly kmsKeyId?: string;
  readonly storageClass?: string;
  readonly checksum?: ChecksumSetting;
  readonly partSizeMiB?: number;
  readonly queueSize?: number;
}

export interface FileStoreConfig {
  readonly kind: 'file';
  /** Absolute path of the base directory. */
  readonly directory: string;
}

export type StoreConfig = S3StoreConfig | FileStoreConfig;

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

function validateS3(config: S3StoreConfig): S3StoreConfig {
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

function validateFile(config: FileStoreConfig): FileStoreConfig {
  if (!path.isAbsolute(config.directory)) {
    throw invalidConfig(
      `directory must be absolute (got "${config.directory}"): use file:///absolute/path`,
    );
  }
  const directory = path.normalize(config.directory).replace(/(.)\/+$/, '$1');
  return Object.freeze({ kind: 'file', directory });
}

/** Checks a destination however it was built (URL, CRD fields, flags) and returns it normalised and frozen. */
export function validateStoreConfig(config: StoreConfig): StoreConfig {
  return config.kind === 's3' ? validateS3(config) : validateFile(config);
}
