import { ProjectError } from '../api/errors.js';
export type EtcdErrorCode =
  | 'Unreachable'
  | 'TlsError'
  | 'AuthFailed'
  | 'PermissionDenied'
  | 'Timeout'
  | 'StreamInterrupted'
  | 'InvalidConfig'
  | 'RequestTooLarge'
  | 'NoSpace'
  | 'Unknown';

/** A failure talking to etcd, with a stable code and a message that names the fix. */
export class EtcdError extends ProjectError {
  override readonly name = 'EtcdError';
  readonly category = 'etcd';
  readonly code: EtcdErrorCode;

  constructor(code: EtcdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  override get reason(): string | undefined {
    return REASONS[this.code];
  }
}

const REASONS: Partial<Record<EtcdErrorCode, string>> = {
  Unreachable: 'EtcdUnreachable',
  Timeout: 'EtcdUnreachable',
  AuthFailed: 'EtcdAuthFailed',
  PermissionDenied: 'EtcdAuthFailed',
  TlsError: 'EtcdTlsError',
  InvalidConfig: 'InvalidConfig',
  RequestTooLarge: 'RequestTooLarge',
  NoSpace: 'EtcdNoSpace',
};

/** Requests etcd refuses by its own limits; each message names the setting to change. */
function limitError(text: string, endpoint: string, cause: unknown): EtcdError | undefined {
  if (/request is too large/i.test(text))
    return new EtcdError(
      'RequestTooLarge',
      `etcd at ${endpoint} refused a request as larger than its --max-request-bytes: pass that value as --max-request-bytes (spec.logical.maxRequestBytes)`,
      { cause },
    );
  if (/too many operations in txn request/i.test(text))
    return new EtcdError(
      'RequestTooLarge',
      `etcd at ${endpoint} refused a transaction with more operations than its --max-txn-ops: pass that value as --max-txn-ops (spec.logical.maxTxnOps)`,
      { cause },
    );
  if (/database space exceeded|NOSPACE/i.test(text))
    return new EtcdError(
      'NoSpace',
      `etcd at ${endpoint} is out of space (its --quota-backend-bytes; NOSPACE alarm): compact and defragment it (a logical restore with --compact / spec.logical.compact does both before writing, and disarms the alarm) or raise its quota`,
      { cause },
    );
  return undefined;
}

const TLS_HINTS = /certificate|ssl|tls|handshake|self.signed|wrong version number/i;

/** Maps a gRPC/etcd3 error to an EtcdError. Messages never include credentials. */
export function toEtcdError(err: unknown, endpoint: string): EtcdError {
  if (err instanceof EtcdError) return err;
  const e = err as { code?: number; details?: string; message?: string; name?: string };
  const text = `${e.name ?? ''} ${e.details ?? ''} ${e.message ?? ''}`;
  const limit = limitError(text, endpoint, err);
  if (limit) return limit;
  if (TLS_HINTS.test(text)) {
    return new EtcdError(
      'TlsError',
      `TLS handshake with etcd at ${endpoint} failed: check the CA (ca.crt) matches the server certificate and that the endpoint uses https only when etcd serves TLS`,
      { cause: err },
    );
  }
  if (
    /AuthenticationFailed|InvalidAuthToken|UserNotFound|authentication failed/i.test(text) ||
    e.code === 16
  ) {
    return new EtcdError(
      'AuthFailed',
      `etcd at ${endpoint} rejected the username or password: check the auth Secret`,
      { cause: err },
    );
  }
  if (/PermissionDenied|permission denied/i.test(text) || e.code === 7) {
    return new EtcdError(
      'PermissionDenied',
      `etcd at ${endpoint} denied the request: a snapshot needs the root role (or a client certificate etcd maps to root)`,
      { cause: err },
    );
  }
  if (e.code === 4 || /deadline|timed? ?out/i.test(text)) {
    return new EtcdError(
      'Timeout',
      `etcd at ${endpoint} did not answer in time: check the endpoint is reachable from here, or raise the timeout`,
      { cause: err },
    );
  }
  if (
    e.code === 14 ||
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|unavailable|No connection established/i.test(text)
  ) {
    return new EtcdError(
      'Unreachable',
      `cannot connect to etcd at ${endpoint}: check the endpoint URL and that etcd is running and reachable`,
      { cause: err },
    );
  }
  return new EtcdError('Unknown', `etcd at ${endpoint}: ${e.details ?? e.message ?? String(err)}`, {
    cause: err,
  });
}
