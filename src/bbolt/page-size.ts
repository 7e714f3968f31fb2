import type { BlockCache } from './block-cache.js';
import { SnapshotFormatError } from './errors.js';
import { META_BYTES_NEEDED, decodeMeta, type MetaResult } from './meta.js';

export const MIN_PAGE_SIZE = 512;
export const MAX_PAGE_SIZE = 1 << 24;

/**
 * Finds the page size the way bbolt's open does: from meta page 0 if valid,
 * else by probing where meta page 1 would sit for each power of two from
 * 1 KiB to 16 MiB. Only a valid meta with a sane page size counts.
 */
export async function detectPageSize(cache: BlockCache): Promise<number> {
  const first = await metaAt(cache, 0, 0);
  if (first.ok && sane(first.meta.pageSize)) return first.meta.pageSize;
  for (let shift = 0; shift <= 14; shift++) {
    const position = 1024 * 2 ** shift;
    if (position >= cache.length - 1024) break;
    const second = await metaAt(cache, position, 1);
    if (second.ok && sane(second.meta.pageSize) && second.meta.pageSize === position) {
      return second.meta.pageSize;
    }
  }
  if (first.ok) {
    throw new SnapshotFormatError(
      'BadPageSize',
      `meta page 0 declares a page size of ${first.meta.pageSize} bytes, outside [${MIN_PAGE_SIZE}, ${MAX_PAGE_SIZE}]`,
      { pageId: 0, offset: 0 },
    );
  }
  throw new SnapshotFormatError(
    first.code,
    `not a bbolt database: meta page 0: ${first.reason}, and no valid meta page 1 was found`,
    {
      pageId: 0,
      offset: 0,
    },
  );
}

async function metaAt(cache: BlockCache, position: number, id: number): Promise<MetaResult> {
  if (position + META_BYTES_NEEDED > cache.length) {
    return {
      ok: false,
      code: 'Truncated',
      reason: `the file has ${cache.length} bytes, too few for a meta page at offset ${position}`,
    };
  }
  return decodeMeta(await cache.read(position, META_BYTES_NEEDED), 0, id);
}

function sane(pageSize: number): boolean {
  return pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE;
}
