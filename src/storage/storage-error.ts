import { ProjectError, type ErrorCategory } from '../api/errors.js';

/**
 * Stable failure categories of an object store. The operator turns them into
 * condition reasons and decides between "report and wait for a fix" (user
 * errors) and "retry with backoff" (transient), so they never change meaning.
 */
export const STORAGE_ERROR_CODES = [
  'NotFound',
  'NoSuchBucket',
  'AccessDenied',
  'InvalidCredentials',
  'Unreachable',
  'TlsError',
  'NoSpace',
  'Aborted',
  'InvalidConfig',
  'InvalidKey',
  /** The store's own integrity check failed on download (S3 flexible checksums): altered at rest. */
  'Corrupt',
  'Unknown',
] as const;

export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

/** Condition and result reasons; the other codes say nothing more than their cause. */
const REASONS: Partial<Record<StorageErrorCode, string>> = {
  Unreachable: 'StoreUnreachable',
  AccessDenied: 'AccessDenied',
  NoSuchBucket: 'BucketNotFound',
  Corrupt: 'ChecksumMismatch',
  InvalidCredentials: 'InvalidCredentials',
  TlsError: 'StoreTlsError',
  InvalidConfig: 'InvalidConfig',
};

/** Codes worth retrying with backoff; every other code needs a change by a human (or is final). */
const TRANSIENT: ReadonlySet<StorageErrorCode> = new Set(['Unreachable', 'Unknown']);

/** Diagnostics safe to log: never credentials, signatures or request payloads. */
export interface StorageErrorDetail {
  /** The SDK's or the operating system's own error name, e.g. `SignatureDoesNotMatch`, `ECONNREFUSED`. */
  readonly reason?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
}

/**
 * The only error type the storage adapters throw. Messages name the fix and are
 * built by the adapters, so they can be shown to users and logged as they are.
 */
export class StorageError extends ProjectError {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly detail: StorageErrorDetail;

  constructor(
    code: StorageErrorCode,
    message: string,
    options: { detail?: StorageErrorDetail; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail ?? {};
  }

  /** A store's own checksum failing is an integrity failure; a bad URL or key is the input's. */
  get category(): ErrorCategory {
    if (this.code === 'Corrupt') return 'integrity';
    return this.code === 'InvalidConfig' || this.code === 'InvalidKey' ? 'usage' : 'storage';
  }

  override get reason(): string | undefined {
    return REASONS[this.code];
  }

  /** True when retrying later may succeed without anyone changing the configuration. */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/** Node reports cancellations as `AbortError` (streams, timers) or `ABORT_ERR` (fs, fetch). */
export function isAbortError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR';
}
