import { formatBytes } from '../../domain/quantity.js';
import type { SnapshotManifest } from '../../snapshot/catalog/manifest.js';
import { redactSecrets } from '../../storage/redact.js';
import { classifyError } from '../backup-result.js';
import { TERMINATION_MESSAGE_LIMIT } from '../../api/agent/index.js';
import {
  type RestoreAgentResult,
  type RestoredSnapshot,
  type RestoreResultReason,
} from '../../api/agent/index.js';

const INTEGRITY: ReadonlySet<RestoreResultReason> = new Set([
  'ChecksumMismatch',
  'SnapshotCorrupt',
]);

export function failedResult(
  err: unknown,
  facts: { snapshot?: RestoredSnapshot; checksumVerified?: boolean; dryRun?: boolean },
  secrets: readonly string[],
): RestoreAgentResult {
  const { reason, message } = classifyError<RestoreResultReason>(err);
  const checksumVerified = INTEGRITY.has(reason) ? false : facts.checksumVerified;
  return {
    kind: 'RestoreAgentResult',
    succeeded: false,
    reason,
    message: redactSecrets(message, secrets),
    ...(checksumVerified === undefined ? {} : { checksumVerified }),
    ...(facts.snapshot ? { snapshot: facts.snapshot } : {}),
    ...(facts.dryRun ? { dryRun: true } : {}),
  };
}

const TOP = 10;

/** The snapshot as the result reports it: the content summary cut to the largest groups. */
export function restoredSnapshot(manifest: SnapshotManifest, uri: string): RestoredSnapshot {
  const c = manifest.content;
  const top = (list: readonly { name: string; keys: number; bytes: number }[]) =>
    [...list]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, TOP)
      .map(({ name, keys, bytes }) => ({ name, keys, bytes }));
  return {
    key: manifest.key,
    uri,
    revision: manifest.revision,
    sha256: manifest.raw.sha256,
    etcdVersion: manifest.etcdVersion,
    size: manifest.raw.size,
    encrypted: manifest.encryption !== null,
    ...(c
      ? {
          content: {
            revision: c.revision,
            liveKeys: c.liveKeys,
            liveBytes: c.liveBytes,
            resources: top(c.resources),
            namespaces: top(c.namespaces),
          },
        }
      : {}),
  };
}

export function describeSnapshot(s: RestoredSnapshot): string {
  const content = s.content ? `, ${s.content.liveKeys} live keys` : '';
  return `${s.uri} (revision ${s.revision}, etcd ${s.etcdVersion}, ${formatBytes(s.size)}${content}, sha256 ${s.sha256} verified)`;
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * The result as JSON within the termination message's 4096 bytes: the
 * content lists go first, then the message is cut; the rest stays whole.
 */
export function truncateRestoreResult(
  result: RestoreAgentResult,
  limit = TERMINATION_MESSAGE_LIMIT,
): RestoreAgentResult {
  if (bytesOf(result) <= limit) return result;
  let current = result;
  const content = current.snapshot?.content;
  if (content) {
    const { resources: _r, namespaces: _n, ...totals } = content;
    current = { ...current, snapshot: { ...current.snapshot!, content: totals } };
  }
  const over = bytesOf(current) - limit;
  if (over <= 0) return current;
  const points = Array.from(current.message);
  let keep = Math.max(0, points.length - over - 1);
  while (keep > 0 && bytesOf({ ...current, message: `${points.slice(0, keep).join('')}…` }) > limit)
    keep -= 16;
  return { ...current, message: `${points.slice(0, Math.max(0, keep)).join('')}…` };
}
