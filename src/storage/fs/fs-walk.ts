import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isTempName } from '../keys.js';

export interface WalkEntry {
  /** Path relative to the walk's root, with `/` separators: the object key (or a temp file's id). */
  readonly rel: string;
  readonly full: string;
  /** A temp file of an unfinished write. */
  readonly temp: boolean;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A directory removed meanwhile (or never created) simply holds nothing.
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/**
 * Sort key that yields S3's order: a directory `a` sorts as `a/`, so
 * `a-1` < `a/x` < `a0` exactly as the flat keys would.
 */
function sortKey(entry: Dirent): string {
  return entry.isDirectory() ? `${entry.name}/` : entry.name;
}

/**
 * Regular files under `root/relDir`, depth first, in key order. `accept`
 * filters the names directly in `relDir` (the partial last segment of a list
 * prefix). Symlinks and special files are not objects and are skipped.
 */
export async function* walkFiles(
  root: string,
  relDir: string,
  accept: (name: string) => boolean = () => true,
): AsyncGenerator<WalkEntry> {
  const found = (await entries(path.join(root, relDir))).filter(
    (e) => (e.isFile() || e.isDirectory()) && accept(e.name),
  );
  found.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  for (const entry of found) {
    const rel = `${relDir}${entry.name}`;
    if (entry.isDirectory()) {
      yield* walkFiles(root, `${rel}/`);
    } else {
      yield { rel, full: path.join(root, rel), temp: isTempName(entry.name) };
    }
  }
}
