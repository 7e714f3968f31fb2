import { explainError } from '../api/errors.js';
import { formatBytes } from '../domain/quantity.js';
import type { SnapshotManifest } from '../snapshot/catalog/manifest.js';
import { redactSecrets } from '../storage/redact.js';
import {
  TERMINATION_MESSAGE_LIMIT,
  type BackupAgentResult,
  type BackupResultReason,
} from '../api/agent/index.js';

/** What one run came to: a saved snapshot (and how retention went) or the error that stopped it. */
export type AgentOutcome =
  | {
      readonly ok: true;
      readonly manifest: SnapshotManifest;
      /** Where the snapshot is, e.g. s3://bucket/prefix/nightly/<key>. */
      readonly uri: string;
      readonly retention?: NonNullable<BackupAgentResult['retention']>;
    }
  | { readonly ok: false; readonly error: unknown };

/**
 * The reason and message for an error: the first project error along its
 * cause chain that stands for an outcome (src/api/errors.ts) decides; any
 * other error is `Failed`, with its own message.
 */
export function classifyError<R extends string = BackupResultReason>(
  err: unknown,
): { reason: R | 'Failed'; message: string } {
  const explained = explainError(err);
  if (explained) return { reason: explained.reason as R, message: explained.message };
  const message = err instanceof Error ? err.message : String(err);
  return { reason: 'Failed', message: message || 'the backup failed without a message' };
}

function successMessage(outcome: Extract<AgentOutcome, { ok: true }>): string {
  const { manifest, retention } = outcome;
  const encrypted = manifest.encryption ? ', age' : '';
  const saved =
    `saved ${outcome.uri}: revision ${manifest.revision}, etcd ${manifest.etcdVersion}, ` +
    `${formatBytes(manifest.raw.size)} -> ${formatBytes(manifest.stored.size)} stored ` +
    `(${manifest.compression}${encrypted}), sha256 ${manifest.raw.sha256} verified`;
  if (!retention) return saved;
  if (retention.error)
    return `${saved}; retention failed (the snapshot is safe): ${retention.error}`;
  return `${saved}; retention removed ${retention.removed}, kept ${retention.snapshots} (${formatBytes(retention.totalStoredBytes)})`;
}

/**
 * The BackupAgentResult for an outcome (pure). `secrets` are values that must
 * never appear (passwords, keys): they are masked in every message as defence
 * in depth, on top of adapters that never put them in messages.
 */
export function toAgentResult(
  outcome: AgentOutcome,
  options: { readonly secrets?: readonly (string | undefined)[] } = {},
): BackupAgentResult {
  const clean = (text: string) => redactSecrets(text, options.secrets ?? []);
  if (!outcome.ok) {
    const { reason, message } = classifyError(outcome.error);
    return { kind: 'BackupAgentResult', succeeded: false, reason, message: clean(message) };
  }
  const { manifest } = outcome;
  const retention = outcome.retention && {
    ...outcome.retention,
    ...(outcome.retention.error === undefined ? {} : { error: clean(outcome.retention.error) }),
  };
  return {
    kind: 'BackupAgentResult',
    succeeded: true,
    reason: 'Succeeded',
    message: clean(successMessage({ ...outcome, ...(retention ? { retention } : {}) })),
    snapshot: {
      key: manifest.key,
      uri: outcome.uri,
      size: manifest.raw.size,
      storedSize: manifest.stored.size,
      sha256: manifest.raw.sha256,
      revision: manifest.revision,
      etcdVersion: manifest.etcdVersion,
      clusterId: manifest.clusterId,
      startTime: manifest.startTime,
      endTime: manifest.endTime,
    },
    ...(retention ? { retention } : {}),
  };
}

const ELLIPSIS = '…';
const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The longest prefix of `text` (whole code points, plus an ellipsis) for which `fits` holds. */
function longestFitting(text: string, fits: (candidate: string) => boolean): string | undefined {
  const points = Array.from(text);
  let lo = 0;
  let hi = points.length - 1;
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = points.slice(0, mid).join('') + ELLIPSIS;
    if (fits(candidate)) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Free text other than the message gets at most this much room before the message shrinks. */
const RETENTION_ERROR_BUDGET = 1024;

function withRetentionError(result: BackupAgentResult, error: string): BackupAgentResult {
  return { ...result, retention: { ...result.retention!, error } };
}

/**
 * The result as compact JSON of at most `limit` UTF-8 bytes (the kubelet
 * keeps 4096 bytes of a termination message). Only the free text shrinks:
 * `retention.error` down to RETENTION_ERROR_BUDGET bytes, then `message`,
 * then `retention.error` again; the structure and every other field stay
 * whole, so the controller can always parse it.
 */
export function truncateResult(
  result: BackupAgentResult,
  limit: number = TERMINATION_MESSAGE_LIMIT,
): BackupAgentResult {
  const fits = (r: BackupAgentResult) => bytesOf(r) <= limit;
  if (fits(result)) return result;
  let current = result;
  const error = current.retention?.error;
  if (error !== undefined && Buffer.byteLength(error, 'utf8') > RETENTION_ERROR_BUDGET) {
    const short = longestFitting(
      error,
      (e) => Buffer.byteLength(e, 'utf8') <= RETENTION_ERROR_BUDGET,
    );
    current = withRetentionError(current, short ?? ELLIPSIS);
    if (fits(current)) return current;
  }
  const base = current;
  const message = longestFitting(base.message, (m) => fits({ ...base, message: m }));
  if (message !== undefined) return { ...base, message };
  current = { ...base, message: ELLIPSIS };
  const rest = current.retention?.error;
  if (rest !== undefined) {
    const stripped = current;
    const short = longestFitting(rest, (e) => fits(withRetentionError(stripped, e)));
    current = withRetentionError(stripped, short ?? ELLIPSIS);
  }
  if (fits(current)) return current;
  throw new RangeError(`a BackupAgentResult does not fit in ${limit} bytes even without its text`);
}
