import { planRetention, type RetentionPolicy } from '../../domain/retention.js';
import { manifestObjectName } from '../../domain/snapshot-naming.js';
import type { ObjectStore } from '../../storage/index.js';
import { readCatalog, type CatalogEntry } from './catalog.js';

export interface PruneOptions {
  readonly store: ObjectStore;
  /** Only this backup's objects (`<name>/...`) are considered: never other clusters' in a shared prefix. */
  readonly name: string;
  readonly policy: RetentionPolicy;
  readonly now: Date;
  readonly dryRun: boolean;
  /** Leftovers of failed writes younger than this are left alone (a write may still be running). */
  readonly incompleteGraceMs?: number;
}

export interface PruneReport {
  readonly kept: ReadonlyArray<{ key: string; reasons: readonly string[] }>;
  readonly removed: ReadonlyArray<{ key: string; storedSize: number; reasons: readonly string[] }>;
  /** Snapshot objects without a manifest, and abandoned multipart uploads. */
  readonly incompleteRemoved: readonly string[];
  readonly keptBytes: number;
  readonly dryRun: boolean;
}

export const DEFAULT_INCOMPLETE_GRACE_MS = 6 * 3_600_000;

/**
 * Applies retention to one backup. The manifest goes first, so an interrupted
 * prune leaves an incomplete object (invisible, removed next time), never a
 * manifest pointing at nothing. The newest verified snapshot always survives.
 */
export async function pruneSnapshots(options: PruneOptions): Promise<PruneReport> {
  const { store, now } = options;
  const catalog = await readCatalog(store, options.name);
  const byKey = new Map<string, CatalogEntry>(catalog.snapshots.map((s) => [s.manifest.key, s]));
  const plan = planRetention(
    catalog.snapshots.map((s) => ({
      key: s.manifest.key,
      time: s.time,
      revision: s.revision,
      storedSize: s.manifest.stored.size,
      verified: true,
    })),
    options.policy,
    now,
  );
  const graceCutoff = new Date(
    now.getTime() - (options.incompleteGraceMs ?? DEFAULT_INCOMPLETE_GRACE_MS),
  );
  const staleObjects = catalog.incomplete.filter((o) => o.lastModified < graceCutoff);
  const staleUploads = (await store.listIncomplete(graceCutoff)).filter((u) =>
    u.key.startsWith(`${options.name}/`),
  );
  const orphanManifests = catalog.brokenManifests.filter((m) => m.problem.includes('missing'));
  if (!options.dryRun) {
    for (const { snapshot } of plan.remove) {
      await store.delete(manifestObjectName(snapshot.key));
      await store.delete(snapshot.key);
    }
    for (const o of staleObjects) await store.delete(o.key);
    for (const m of orphanManifests) await store.delete(m.key);
    for (const u of staleUploads) await store.abortIncomplete(u);
  }
  return {
    kept: plan.keep.map((s) => ({ key: s.key, reasons: plan.keptBecause.get(s.key) ?? [] })),
    removed: plan.remove.map((r) => ({
      key: r.snapshot.key,
      storedSize: byKey.get(r.snapshot.key)!.manifest.stored.size,
      reasons: r.reasons,
    })),
    incompleteRemoved: [
      ...staleObjects.map((o) => o.key),
      ...orphanManifests.map((m) => m.key),
      ...staleUploads.map((u) => `${u.key} (upload ${u.id})`),
    ],
    keptBytes: plan.keep.reduce((sum, s) => sum + s.storedSize, 0),
    dryRun: options.dryRun,
  };
}
