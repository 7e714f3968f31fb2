import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import type { ChecksumSetting, SseMode } from '../../api/v1alpha1/constants.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  type S3ClientOptions,
  type S3Credentials,
} from './s3-client.js';

const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * MiB;
export const MIN_PART_SIZE = 5 * MiB;
export const DEFAULT_QUEUE_SIZE = 2;

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Base prefix, e.g. `clusters/prod` (normalised: no leading slash, one trailing slash). */
  readonly prefix?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly forcePathStyle?: boolean;
  readonly caBundlePem?: string;
  readonly credentials?: S3Credentials;
  readonly sse?: SseMode;
  readonly kmsKeyId?: string;
  readonly storageClass?: string;
  readonly checksum?: ChecksumSetting;
  /** Bytes per part (default 8 MiB, at least 5 MiB): memory use is about (queueSize + 1) parts; 8 MiB keeps a save under 150 MiB RSS and still allows 80 GB objects. */
  readonly partSize?: number;
  readonly queueSize?: number;
  /** Keys per list request (S3's maximum and default: 1000); tests lower it to exercise paging. */
  readonly listPageSize?: number;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxAttempts?: number;
  /** A ready client (tests add middleware to it); the store then leaves closing it to the caller. */
  readonly client?: S3Client;
}

/** Per-object settings every put sends. */
export function objectSettings(
  options: S3ObjectStoreOptions,
): Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'> {
  const checksum = options.checksum ?? 'CRC32';
  return {
    ...(options.sse === undefined ? {} : { ServerSideEncryption: options.sse }),
    ...(options.kmsKeyId === undefined ? {} : { SSEKMSKeyId: options.kmsKeyId }),
    ...(options.storageClass === undefined
      ? {}
      : { StorageClass: options.storageClass as PutObjectCommandInput['StorageClass'] }),
    ...(checksum === 'none' ? {} : { ChecksumAlgorithm: checksum }),
  };
}

/** Connection settings, with the defaults filled in. */
export function clientOptions(options: S3ObjectStoreOptions, region: string): S3ClientOptions {
  return {
    region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.caBundlePem === undefined ? {} : { caBundlePem: options.caBundlePem }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    checksum: options.checksum ?? 'CRC32',
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
}
