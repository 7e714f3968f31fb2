import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, open as openFd } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BodyStreamError, ByteCounter, abortError, firstStreamError } from '../streams.js';

/** Snapshots hold every Secret of the cluster: owner-only by default. */
export const FILE_MODE = 0o600;

/** `.<name>.tmp-<16 hex>`: hidden, in the target's directory (so rename is atomic), recognisable by `isTempName`. */
export function tempNameFor(name: string): string {
  return `.${name}.tmp-${randomBytes(8).toString('hex')}`;
}

/** Directories that cannot be fsynced (some FUSE and network file systems) say so with one of these. */
const FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF']);

/** Makes a rename durable: the directory entry must reach the disk too, not only the file's data. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Creates the temp file, creating its directory first. A concurrent delete may
 * remove the directory (it prunes empty ones) between the two steps, hence the retry.
 */
async function createTemp(file: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(path.dirname(file), { recursive: true });
    try {
      return await promisify(openFd)(file, 'wx', FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
    }
  }
}

/**
 * Streams `body` into `target` so that `target` appears complete or not at all:
 * temp file → fsync → rename → fsync of the directory. On any failure,
 * including an error `body` emits at its end, the temp file is removed and
 * `target` is untouched. Resolves with the number of bytes written.
 */
export async function writeAtomically(
  target: string,
  body: Readable,
  signal?: AbortSignal,
): Promise<number> {
  const temp = path.join(path.dirname(target), tempNameFor(path.basename(target)));
  const counter = new ByteCounter();
  const origin = firstStreamError([body, counter]);
  let fd: number | undefined;
  try {
    fd = await createTemp(temp);
    // `flush` fsyncs before the stream closes its fd, and pipeline settles only
    // after that close: the data is durable before the rename makes it visible.
    const file = createWriteStream(temp, { fd, flush: true });
    fd = undefined; // the stream owns it now and closes it, on success or failure
    await pipeline(body, counter, file, { signal });
    await rename(temp, target);
    await syncDirectory(path.dirname(target));
    return counter.bytes;
  } catch (err) {
    if (!body.destroyed) body.destroy();
    if (fd !== undefined) closeSync(fd);
    await rm(temp, { force: true });
    // Which error surfaces first after an abort depends on timing; the abort is what happened.
    if (signal?.aborted) throw abortError(signal);
    const first = origin();
    if (first?.stream === body) throw new BodyStreamError(first.error);
    throw err;
  }
}
