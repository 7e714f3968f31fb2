import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import {
  BlockCache,
  readFully,
  type BlockCacheOptions,
  type PositionalReader,
} from '../../bbolt/block-cache.js';
import { BboltDatabase, type DatabaseOptions } from '../../bbolt/database.js';
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { detectPageSize } from '../../bbolt/page-size.js';

/** etcd's Maintenance.Snapshot appends sha256(database) after the last page. */
export const TRAILER_SIZE = 32;

export interface SnapshotLayout {
  readonly dbBytes: number;
  readonly trailerPresent: boolean;
}

/**
 * A snapshot is N pages, optionally followed by the 32-byte trailer (etcdutl
 * tells them apart the same way, by the size modulo the page size).
 */
export function snapshotLayout(fileSize: number, pageSize: number): SnapshotLayout {
  const rest = fileSize % pageSize;
  if (rest === TRAILER_SIZE) return { dbBytes: fileSize - TRAILER_SIZE, trailerPresent: true };
  if (rest === 0) return { dbBytes: fileSize, trailerPresent: false };
  throw new SnapshotFormatError(
    'Truncated',
    `file of ${fileSize} bytes is neither whole ${pageSize}-byte pages nor whole pages plus a ${TRAILER_SIZE}-byte sha256 trailer (${rest} bytes left over)`,
    { offset: fileSize - rest },
  );
}

export interface OpenOptions extends DatabaseOptions {
  readonly cache?: BlockCacheOptions;
}

export interface OpenedSnapshot extends SnapshotLayout {
  readonly fileSize: number;
  readonly reader: PositionalReader;
  readonly db: BboltDatabase;
}

/** Opens the bbolt part of a snapshot held by any positional reader (a file, or memory in tests). */
export async function openSnapshot(
  reader: PositionalReader,
  fileSize: number,
  options: OpenOptions = {},
): Promise<OpenedSnapshot> {
  const cache = new BlockCache(reader, fileSize, options.cache);
  const pageSize = await detectPageSize(cache);
  const layout = snapshotLayout(fileSize, pageSize);
  const db = await BboltDatabase.open(cache, pageSize, layout.dbBytes, options);
  return { ...layout, fileSize, reader, db };
}

/** The trailer bytes as hex, or null when the file has none. */
export async function readTrailer(snapshot: OpenedSnapshot): Promise<string | null> {
  if (!snapshot.trailerPresent) return null;
  const trailer = Buffer.alloc(TRAILER_SIZE);
  await readFully(snapshot.reader, trailer, TRAILER_SIZE, snapshot.dbBytes);
  return trailer.toString('hex');
}

/** sha256 of the database part, read sequentially in large chunks (one buffer, reused). */
export async function digestDatabase(
  snapshot: OpenedSnapshot,
  signal?: AbortSignal,
  chunkSize = 4 << 20,
): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, snapshot.dbBytes)));
  for (let at = 0; at < snapshot.dbBytes; at += buf.length) {
    signal?.throwIfAborted();
    const n = Math.min(buf.length, snapshot.dbBytes - at);
    await readFully(snapshot.reader, buf, n, at);
    hash.update(buf.subarray(0, n));
  }
  return hash.digest('hex');
}

/** Runs `use` with the file open for positional reads, closing it afterwards. */
export async function withSnapshotFile<T>(
  path: string,
  use: (reader: FileHandle, size: number) => Promise<T>,
): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await use(handle, size);
  } finally {
    await handle.close();
  }
}
