import { COMPRESSIONS, type Compression } from '../../api/v1alpha1/constants.js';
import { ProjectError } from '../../api/errors.js';

export const MANIFEST_API_VERSION = 'etcdsnapshot.dev/v1alpha1';
export const MANIFEST_KIND = 'SnapshotManifest';

/** Per-resource or per-namespace totals over the latest revision of each live key. */
export interface ContentCount {
  readonly name: string;
  readonly keys: number;
  readonly bytes: number;
}

export interface ContentSummary {
  readonly revision: string;
  readonly liveKeys: number;
  readonly liveBytes: number;
  readonly resources: readonly ContentCount[];
  readonly namespaces: readonly ContentCount[];
}

/**
 * The commit marker of a stored snapshot, written after the snapshot object
 * is complete and verified. A snapshot object without a manifest is
 * incomplete: listing ignores it and `prune` removes it.
 */
export interface SnapshotManifest {
  readonly apiVersion: typeof MANIFEST_API_VERSION;
  readonly kind: typeof MANIFEST_KIND;
  /** The backup's name: the first path segment of `key`. */
  readonly name: string;
  /** The snapshot object's key, relative to the store's base prefix. */
  readonly key: string;
  /** etcd revision at the snapshot (first response header), decimal. */
  readonly revision: string;
  readonly etcdVersion: string;
  readonly clusterId: string;
  readonly memberId: string;
  /** The member the snapshot came from (a URL without credentials). */
  readonly endpoint: string;
  /** etcd's own sha256 of the database (the trailer) and the raw size, trailer included. */
  readonly raw: { readonly sha256: string; readonly size: number };
  /** sha256 and size of the stored object, after compression and encryption. */
  readonly stored: { readonly sha256: string; readonly size: number };
  readonly compression: Compression;
  /** Public recipients only; null when not encrypted. */
  readonly encryption: { readonly type: 'age'; readonly recipients: readonly string[] } | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly content: ContentSummary | null;
}

export class ManifestError extends ProjectError {
  override readonly name = 'ManifestError';
  readonly code = 'InvalidManifest';
  readonly category = 'integrity';
}

const HEX64 = /^[0-9a-f]{64}$/;
const DECIMAL = /^\d+$/;

function check(condition: boolean, key: string, field: string): asserts condition {
  if (!condition) throw new ManifestError(`manifest for ${key} has an invalid '${field}'`);
}

/** Parses and validates a manifest; anything malformed is a ManifestError (treated as incomplete). */
export function parseManifest(text: string, key = '(unknown)'): SnapshotManifest {
  let m: Partial<Record<keyof SnapshotManifest, unknown>>;
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    throw new ManifestError(`manifest for ${key} is not valid JSON`);
  }
  check(m.apiVersion === MANIFEST_API_VERSION && m.kind === MANIFEST_KIND, key, 'apiVersion/kind');
  check(typeof m.name === 'string' && m.name !== '', key, 'name');
  check(typeof m.key === 'string' && m.key.startsWith(`${m.name}/`), key, 'key');
  check(typeof m.revision === 'string' && DECIMAL.test(m.revision), key, 'revision');
  const raw = m.raw as SnapshotManifest['raw'] | undefined;
  const stored = m.stored as SnapshotManifest['stored'] | undefined;
  check(!!raw && HEX64.test(raw.sha256) && Number.isSafeInteger(raw.size), key, 'raw');
  check(!!stored && HEX64.test(stored.sha256) && Number.isSafeInteger(stored.size), key, 'stored');
  check((COMPRESSIONS as readonly unknown[]).includes(m.compression), key, 'compression');
  check(
    typeof m.startTime === 'string' && !Number.isNaN(Date.parse(m.startTime)),
    key,
    'startTime',
  );
  check(typeof m.endTime === 'string' && !Number.isNaN(Date.parse(m.endTime)), key, 'endTime');
  const enc = m.encryption as SnapshotManifest['encryption'] | undefined;
  check(enc === null || (enc?.type === 'age' && Array.isArray(enc.recipients)), key, 'encryption');
  return m as SnapshotManifest;
}

export function serializeManifest(manifest: SnapshotManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}
