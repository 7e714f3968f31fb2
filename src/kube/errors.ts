import { ProjectError } from '../api/errors.js';
export type KubeErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Invalid'
  | 'BadRequest'
  | 'Gone'
  | 'Unavailable'
  | 'Unknown';

/** A failed Kubernetes API call, with a stable code callers can branch on. */
export class KubeError extends ProjectError {
  override readonly name = 'KubeError';
  readonly category = 'internal';
  readonly code: KubeErrorCode;
  /** HTTP status when the apiserver answered; undefined for network failures. */
  readonly status: number | undefined;
  /** The apiserver's `Status.reason`, when it sent one. */
  readonly statusReason: string | undefined;

  constructor(
    code: KubeErrorCode,
    message: string,
    options: { status?: number; reason?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.statusReason = options.reason;
  }
}

export function isKubeError(err: unknown, code?: KubeErrorCode): err is KubeError {
  return err instanceof KubeError && (code === undefined || err.code === code);
}

/** Worth retrying as is: the apiserver was unreachable, overloaded or lost a race. */
export function isTransient(err: unknown): boolean {
  return isKubeError(err) && (err.code === 'Unavailable' || err.code === 'Conflict');
}

interface StatusBody {
  reason?: string;
  message?: string;
  code?: number;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  if (body && typeof body === 'object') return body as StatusBody;
  return {};
}

function codeForStatus(status: number, reason: string | undefined): KubeErrorCode {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict';
    case 410:
      return 'Gone';
    case 422:
      return 'Invalid';
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return 'Unavailable';
    default:
      return 'Unknown';
  }
}

/** From an HTTP status and the apiserver's Status body. `what` names the call, e.g. "get Job ns/x". */
export function kubeErrorFromResponse(status: number, body: unknown, what: string): KubeError {
  const parsed = parseStatus(body);
  const code = codeForStatus(status, parsed.reason);
  const detail = parsed.message ?? `HTTP ${status}`;
  return new KubeError(code, `${what}: ${detail}`, { status, reason: parsed.reason });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return String(e.name);
  const nested = networkCode(e.cause, depth + 1);
  if (nested) return nested;
  // undici reports every transport failure as TypeError('fetch failed') with the cause inside.
  if (e.name === 'TypeError' && (err as Error).message === 'fetch failed') return 'fetch failed';
  return undefined;
}

/** Any thrown value → KubeError; client-node's ApiException carries `code` (HTTP status) and `body`. */
export function toKubeError(err: unknown, what: string): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: unknown; body?: unknown; statusCode?: unknown; message?: unknown };
  const status =
    typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (status >= 400) {
    const fromBody = kubeErrorFromResponse(status, e.body, what);
    return new KubeError(fromBody.code, fromBody.message, {
      status,
      reason: fromBody.reason,
      cause: err,
    });
  }
  const net = networkCode(err);
  if (net) {
    return new KubeError('Unavailable', `${what}: the apiserver is unreachable (${net})`, {
      cause: err,
    });
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new KubeError('Unknown', `${what}: ${message}`, { cause: err });
}
