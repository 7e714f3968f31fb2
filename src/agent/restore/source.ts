import { rm } from 'node:fs/promises';
import { parseManifestObjectName, parseSnapshotObjectName } from '../../domain/snapshot-naming.js';
import {
  readCatalog,
  selectSnapshot,
  type Catalog,
  type CatalogEntry,
} from '../../snapshot/catalog/catalog.js';
import { parseIdentities } from '../../snapshot/pipeline/encryption.js';
import { fetchSnapshot } from '../../snapshot/pipeline/fetch.js';
import { DigestError } from '../../snapshot/pipeline/trailer-verifier.js';
import type { ObjectStore } from '../../storage/index.js';
import type { RestoreSourceConfig } from '../../api/agent/index.js';
import { ProjectError } from '../../api/errors.js';

/** The source names no verified snapshot: nothing was downloaded, no target touched. */
export class SnapshotNotFoundError extends ProjectError {
  override readonly name = 'SnapshotNotFoundError';
  readonly category = 'storage';
  constructor(
    readonly code: 'SnapshotNotFound' | 'NoSnapshotBefore',
    message: string,
  ) {
    super(message);
  }

  override get reason(): string {
    return this.code;
  }
}

/**
 * A damaged snapshot (its manifest no longer matches the object: truncated or
 * altered) that the selection would have picked: refused as an integrity
 * failure, rather than silently falling back to an older snapshot.
 */
function refuseDamaged(catalog: Catalog, wanted: (key: string) => boolean, chosen?: CatalogEntry) {
  const after = chosen?.time.getTime() ?? -Infinity;
  for (const broken of catalog.brokenManifests) {
    const key = parseManifestObjectName(broken.key);
    const time = key ? parseSnapshotObjectName(key)?.time.getTime() : undefined;
    if (!key || time === undefined || time <= after || !wanted(key)) continue;
    throw new DigestError(
      'Corrupt',
      `${key} is damaged (${broken.problem}): it was truncated or altered after it was written; nothing was restored. Restore another snapshot by its key`,
    );
  }
}

/** The snapshot a source names: an exact key, or the latest (before a time) of a backup name. */
export async function resolveSource(
  store: ObjectStore,
  source: RestoreSourceConfig,
): Promise<CatalogEntry> {
  const name = source.name ?? source.key!.split('/')[0]!;
  const catalog = await readCatalog(store, name);
  const before = source.latestBefore === undefined ? undefined : new Date(source.latestBefore);
  const { key } = source;
  const chosen = selectSnapshot(
    catalog,
    key !== undefined ? { key } : before ? { latestBefore: before } : { latest: true },
  );
  const wanted = (k: string) =>
    key !== undefined
      ? k === key
      : !before || parseSnapshotObjectName(k)!.time.getTime() <= before.getTime();
  refuseDamaged(catalog, wanted, chosen);
  if (chosen) return chosen;
  const list = `'etcd-snapshot list --from ${store.location} --name ${name}'`;
  if (key !== undefined)
    throw new SnapshotNotFoundError(
      'SnapshotNotFound',
      `${store.location} holds no verified snapshot ${key} (missing, or without its .manifest.json): check the key with ${list}`,
    );
  if (before)
    throw new SnapshotNotFoundError(
      'NoSnapshotBefore',
      `${store.location} holds no verified snapshot of '${name}' taken at or before ${before.toISOString()} (${catalog.snapshots.length} in all): choose a later latestBefore or see ${list}`,
    );
  throw new SnapshotNotFoundError(
    'SnapshotNotFound',
    `${store.location} holds no verified snapshot of '${name}': run the backup first, or check the destination and name with ${list}`,
  );
}

/** Identities from the (already resolved) identity file; none when no file is configured. */
export function readIdentities(file: string | undefined, read: (f: string) => Buffer): string[] {
  if (file === undefined) return [];
  return parseIdentities(read(file).toString('utf8'));
}

/**
 * Downloads the snapshot into `file`, checking the stored sha256, decrypting,
 * decompressing and checking etcd's own sha256 against the manifest: `file`
 * exists only when every digest matched. Nothing else is touched before that.
 */
export async function fetchVerified(options: {
  readonly store: ObjectStore;
  readonly entry: CatalogEntry;
  readonly identities: readonly string[];
  readonly file: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (storedBytes: number) => void;
}): Promise<{ file: string; size: number; sha256: string; cleanup(): Promise<void> }> {
  const fetched = await fetchSnapshot({
    store: options.store,
    manifest: options.entry.manifest,
    identities: options.identities,
    file: options.file,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { ...fetched, cleanup: () => rm(options.file, { force: true }) };
}
