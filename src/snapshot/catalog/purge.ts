import { parseManifestObjectName } from '../../domain/snapshot-naming.js';
import type { ObjectStore } from '../../storage/index.js';

/**
 * Removes every object of one backup (`<name>/...`): manifests first, so an
 * interruption leaves only incomplete objects (never a manifest pointing at
 * nothing), then the rest, then abandoned multipart uploads. Other backups'
 * objects under the same store prefix are never touched.
 */
export async function purgeBackup(store: ObjectStore, name: string): Promise<{ removed: number }> {
  const prefix = `${name}/`;
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  const manifests = keys.filter((k) => parseManifestObjectName(k) !== undefined);
  const rest = keys.filter((k) => parseManifestObjectName(k) === undefined);
  for (const key of [...manifests, ...rest]) await store.delete(key);
  const uploads = (await store.listIncomplete(new Date(8.64e15))).filter((u) =>
    u.key.startsWith(prefix),
  );
  for (const upload of uploads) await store.abortIncomplete(upload);
  return { removed: keys.length };
}
