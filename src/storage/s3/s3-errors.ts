import { redactSecrets } from '../redact.js';
import { errorFacts, type ErrorFacts } from './s3-error-facts.js';
import {
  StorageError,
  isAbortError,
  type StorageErrorCode,
  type StorageErrorDetail,
} from '../storage-error.js';

export type S3Operation =
  'put' | 'get' | 'list' | 'delete' | 'check' | 'listIncomplete' | 'abortIncomplete';

/** Where a failed call went; everything here is safe to print. */
export interface S3ErrorContext {
  readonly operation: S3Operation;
  readonly bucket: string;
  /** Printable endpoint, e.g. `http://127.0.0.1:9000` or `https://s3.eu-west-1.amazonaws.com`. */
  readonly endpoint: string;
  /** Printable store location, e.g. `s3://bucket/prefix/`. */
  readonly location: string;
  /** The relative key involved, if any. */
  readonly key?: string;
  /** Values to scrub from any text that came from the server or the SDK. */
  readonly secrets?: readonly (string | undefined)[];
}

/** The IAM permission each operation needs, named in AccessDenied messages. */
const IAM_ACTION: Record<S3Operation, string> = {
  put: 's3:PutObject',
  get: 's3:GetObject',
  list: 's3:ListBucket',
  delete: 's3:DeleteObject',
  check: 's3:ListBucket',
  listIncomplete: 's3:ListBucketMultipartUploads',
  abortIncomplete: 's3:AbortMultipartUpload',
};

const BY_NAME: Readonly<Record<string, StorageErrorCode>> = {
  NoSuchKey: 'NotFound',
  NotFound: 'NotFound',
  NoSuchUpload: 'NotFound',
  NoSuchBucket: 'NoSuchBucket',
  AccessDenied: 'AccessDenied',
  AllAccessDisabled: 'AccessDenied',
  AccountProblem: 'AccessDenied',
  InvalidAccessKeyId: 'InvalidCredentials',
  SignatureDoesNotMatch: 'InvalidCredentials',
  InvalidToken: 'InvalidCredentials',
  ExpiredToken: 'InvalidCredentials',
  TokenRefreshRequired: 'InvalidCredentials',
  InvalidSecurity: 'InvalidCredentials',
  CredentialsProviderError: 'InvalidCredentials',
  XAdminUserNotFound: 'InvalidCredentials', // versitygw/MinIO: unknown access key id
  InvalidBucketName: 'InvalidConfig',
  InvalidStorageClass: 'InvalidConfig',
  InvalidArgument: 'InvalidConfig',
  InvalidEncryptionAlgorithmError: 'InvalidConfig',
  NotImplemented: 'InvalidConfig',
  PermanentRedirect: 'InvalidConfig',
  AuthorizationHeaderMalformed: 'InvalidConfig',
  IllegalLocationConstraintException: 'InvalidConfig',
  KeyTooLongError: 'InvalidKey',
  XMinioStorageFull: 'NoSpace',
  QuotaExceeded: 'NoSpace',
  ServiceUnavailable: 'Unreachable',
  SlowDown: 'Unreachable',
  RequestTimeout: 'Unreachable',
  TimeoutError: 'Unreachable',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
]);

const UNTRUSTED_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);
const TLS_HINTS: Readonly<Record<string, string>> = {
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the server certificate does not name this host: use a host name listed in the certificate',
  CERT_HAS_EXPIRED: 'the server certificate has expired: renew it',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet: check the clocks',
  EPROTO: 'the endpoint does not speak TLS: use http:// if it serves plain HTTP',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'the endpoint does not speak TLS: use http:// if it serves plain HTTP',
};
const UNTRUSTED_HINT =
  'the server certificate is not signed by a trusted CA: set caBundle to a PEM file with the CA that signed it';

/**
 * The SDK validates an object's stored checksum (CRC32 and friends) while
 * the body streams; a mismatch means the object changed at rest.
 */
const SDK_CHECKSUM_MISMATCH = /checksum mismatch/i;

/** The category of a failure, from the most specific evidence to the least. */
export function classifyS3Error(facts: ErrorFacts): StorageErrorCode {
  const { name, code, status } = facts;
  if (name === 'AbortError' || code === 'ABORT_ERR') return 'Aborted';
  if (code && (UNTRUSTED_CERT_CODES.has(code) || code in TLS_HINTS)) return 'TlsError';
  if (code && NETWORK_CODES.has(code)) return 'Unreachable';
  if (name.startsWith('KMS.')) return 'InvalidConfig';
  if (SDK_CHECKSUM_MISMATCH.test(facts.message ?? '')) return 'Corrupt';
  const byName = BY_NAME[name];
  if (byName) return byName;
  if (status === 403) return 'AccessDenied';
  if (status === 404) return 'NotFound';
  if (status === 502 || status === 503 || status === 504) return 'Unreachable';
  return 'Unknown';
}

function reasonOf(facts: ErrorFacts): string {
  const parts = [facts.code ?? facts.name];
  if (facts.status !== undefined) parts.push(`HTTP ${facts.status}`);
  return parts.join(', ');
}

interface MessageInput {
  readonly facts: ErrorFacts;
  readonly ctx: S3ErrorContext;
  /** `SignatureDoesNotMatch, HTTP 403` */
  readonly reason: string;
  /** The server's own message, scrubbed. */
  readonly server: string;
  /** `"key" in s3://bucket/prefix/`, or the location alone. */
  readonly what: string;
}

/** One message per code, each naming the fix. */
const MESSAGES: Record<StorageErrorCode, (m: MessageInput) => string> = {
  NotFound: ({ what }) => `object ${what} does not exist`,
  NoSuchBucket: ({ ctx }) =>
    `bucket "${ctx.bucket}" does not exist at ${ctx.endpoint}: create it or fix destination.s3.bucket`,
  AccessDenied: ({ ctx, reason, server }) => {
    const kms = /kms/i.test(server) ? ' (and kms:GenerateDataKey/kms:Decrypt on the KMS key)' : '';
    return `access denied by ${ctx.endpoint} to ${ctx.location} (${reason}): grant ${IAM_ACTION[ctx.operation]}${kms} to the credentials in use`;
  },
  InvalidCredentials: ({ facts, ctx, reason }) =>
    facts.name === 'CredentialsProviderError'
      ? 'no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure IRSA, EKS pod identity or an instance profile'
      : `${ctx.endpoint} rejected the S3 credentials (${reason}): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the credentials Secret)`,
  TlsError: ({ facts, ctx, reason }) =>
    `TLS verification of ${ctx.endpoint} failed (${reason}): ${TLS_HINTS[facts.code ?? ''] ?? UNTRUSTED_HINT}`,
  Unreachable: ({ ctx, reason }) =>
    `cannot reach ${ctx.endpoint} (${reason}): check the endpoint, DNS, network policies and the service's health`,
  NoSpace: ({ ctx, reason }) =>
    `${ctx.endpoint} has no space or quota left for ${ctx.location} (${reason}): free space or raise the quota`,
  Aborted: ({ ctx, what }) => `${ctx.operation} of ${what} was aborted`,
  InvalidConfig: ({ ctx, reason, server }) =>
    `${ctx.endpoint} refused ${ctx.operation} on ${ctx.location} (${reason}): ${server} (check region, bucket, sse, kmsKeyId, storageClass and checksum)`,
  Corrupt: ({ ctx, what }) =>
    `${what} failed the checksum ${ctx.endpoint} stored with it: the object was altered or damaged at rest; restore from another snapshot and check the bucket's integrity`,
  InvalidKey: ({ ctx, what, reason, server }) =>
    `key ${what} was refused by ${ctx.endpoint} (${reason}): ${server}`,
  Unknown: ({ ctx, reason, server }) =>
    `${ctx.operation} on ${ctx.location} failed (${reason}): ${server}`,
};

/**
 * Translates an SDK, network or TLS error into a `StorageError`. The original
 * error is deliberately not kept as `cause`: S3 error objects can carry the
 * string-to-sign, the provided signature and request headers.
 */
export function toStorageError(err: unknown, ctx: S3ErrorContext): StorageError {
  if (err instanceof StorageError) return err;
  const facts = errorFacts(err);
  const code = isAbortError(err) ? 'Aborted' : classifyS3Error(facts);
  const detail: StorageErrorDetail = {
    reason: facts.code ?? facts.name,
    ...(facts.status === undefined ? {} : { httpStatus: facts.status }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  };
  const message = MESSAGES[code]({
    facts,
    ctx,
    reason: reasonOf(facts),
    server: redactSecrets(facts.message, ctx.secrets),
    what: ctx.key === undefined ? ctx.location : `"${ctx.key}" in ${ctx.location}`,
  });
  return new StorageError(code, message, { detail });
}
