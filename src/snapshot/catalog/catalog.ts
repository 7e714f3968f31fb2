import {
  compareSnapshotAge,
  parseManifestObjectName,
  parseSnapshotObjectName,
} from '../../domain/snapshot-naming.js';
import type { ObjectInfo, ObjectStore } from '../../storage/index.js';
import { ManifestError, parseManifest, type SnapshotManifest } from './manifest.js';

export interface CatalogEntry {
  readonly manifest: SnapshotManifest;
  readonly time: Date;
  readonly revision: bigint;
  readonly object: ObjectInfo;
}

/** What a listing found: verified snapshots (oldest first) and leftovers. */
export interface Catalog {
  readonly snapshots: readonly CatalogEntry[];
  /** Snapshot objects without a (valid) manifest: incomplete, never restored, removable by prune. */
  readonly incomplete: readonly ObjectInfo[];
  /** Manifests whose snapshot object is gone, or that do not parse. */
  readonly brokenManifests: ReadonlyArray<{ readonly key: string; readonly problem: string }>;
}

/** Reads the catalog of one backup (`name`) or of every backup in the store. */
export async function readCatalog(store: ObjectStore, name?: string): Promise<Catalog> {
  const objects = new Map<string, ObjectInfo>();
  const manifests: string[] = [];
  for await (const info of store.list(name ? `${name}/` : '')) {
    if (parseManifestObjectName(info.key)) manifests.push(info.key);
    else if (parseSnapshotObjectName(info.key)) objects.set(info.key, info);
  }
  const snapshots: CatalogEntry[] = [];
  const brokenManifests: Array<{ key: string; problem: string }> = [];
  const committed = new Set<string>();
  for (const manifestKey of manifests) {
    const key = parseManifestObjectName(manifestKey)!;
    const object = objects.get(key);
    if (!object) {
      brokenManifests.push({ key: manifestKey, problem: 'its snapshot object is missing' });
      continue;
    }
    try {
      const manifest = parseManifest(
        (await store.getBytes(manifestKey)).toString('utf8'),
        manifestKey,
      );
      if (manifest.key !== key || manifest.stored.size !== object.size) {
        throw new ManifestError(
          `manifest ${manifestKey} does not describe ${key} (size ${object.size})`,
        );
      }
      const parts = parseSnapshotObjectName(key)!;
      snapshots.push({ manifest, time: parts.time, revision: parts.revision, object });
      committed.add(key);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      brokenManifests.push({ key: manifestKey, problem: err.message });
    }
  }
  snapshots.sort((a, b) => compareSnapshotAge(a, b));
  const incomplete = [...objects.values()].filter((o) => !committed.has(o.key));
  return { snapshots, incomplete, brokenManifests };
}

/** `latest`, `latestBefore` a time, or an exact key; undefined when nothing matches. */
export function selectSnapshot(
  catalog: Catalog,
  selector: { readonly latest: true } | { readonly latestBefore: Date } | { readonly key: string },
): CatalogEntry | undefined {
  const all = catalog.snapshots;
  if ('key' in selector) return all.find((s) => s.manifest.key === selector.key);
  if ('latestBefore' in selector) {
    return all
      .filter((s) => Date.parse(s.manifest.startTime) <= selector.latestBefore.getTime())
      .at(-1);
  }
  return all.at(-1);
}
