import { constants } from 'node:fs';
import { access, open, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { assertValidKey, assertValidPrefix, isTempName, tempTarget } from '../keys.js';
import type {
  GetOptions,
  IncompleteWrite,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from '../object-store.js';
import { StorageError } from '../storage-error.js';
import { BodyStreamError, abortError, guardReadable } from '../streams.js';
import { syncDirectory, tempNameFor, writeAtomically } from './fs-atomic-write.js';
import { toFsStorageError, type FsOperation } from './fs-errors.js';
import { walkFiles } from './fs-walk.js';

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * `ObjectStore` on a directory: a PersistentVolume, an NFS share or a hostPath.
 * Keys map to relative paths; writes are atomic via temp file + rename.
 */
export class FsObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  /** `directory` must be absolute (see `validateStoreConfig`). */
  constructor(directory: string) {
    this.root = path.resolve(directory);
    this.location = pathToFileURL(this.root).href;
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const { signal } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw abortError(signal);
      const size = await writeAtomically(this.pathOf(key), body, signal);
      return { key, size };
    } catch (err) {
      if (!body.destroyed) body.destroy();
      if (err instanceof BodyStreamError) throw err.original;
      throw this.error(err, 'put', key);
    }
  }

  async putBytes(key: string, data: Uint8Array): Promise<PutResult> {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.put(key, Readable.from([bytes]));
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    const { signal } = options;
    try {
      if (signal?.aborted) throw abortError(signal);
      const handle = await open(this.pathOf(key), 'r');
      const isFile = await handle.stat().then(
        (s) => s.isFile(),
        () => false,
      );
      if (!isFile) {
        await handle.close();
        // A directory is a prefix, not an object.
        throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      }
      return guardReadable(handle.createReadStream(), (err) => this.error(err, 'get', key), signal);
    } catch (err) {
      throw this.error(err, 'get', key, errnoOf(err) === 'EISDIR' ? 'NotFound' : undefined);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    return buffer(await this.get(key));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const cut = prefix.lastIndexOf('/') + 1;
    const partial = prefix.slice(cut);
    try {
      for await (const entry of walkFiles(this.root, prefix.slice(0, cut), (n) =>
        n.startsWith(partial),
      )) {
        if (entry.temp || !isListableKey(entry.rel)) continue;
        const info = await stat(entry.full).catch((err: unknown) => {
          if (errnoOf(err) === 'ENOENT') return undefined; // deleted while listing
          throw err;
        });
        if (info) yield { key: entry.rel, size: info.size, lastModified: info.mtime };
      }
    } catch (err) {
      throw this.error(err, 'list');
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (err) {
      // Missing, or a directory (which is not an object): either way there is nothing to delete.
      if (!['ENOENT', 'EISDIR', 'ENOTDIR'].includes(errnoOf(err) ?? ''))
        throw this.error(err, 'delete', key);
      return;
    }
    await this.pruneEmptyDirectories(path.dirname(file));
  }

  async check(): Promise<void> {
    const existing = await this.nearestExistingDirectory();
    const probe = path.join(existing, tempNameFor('check'));
    try {
      await access(existing, constants.W_OK | constants.X_OK);
      // access() can be fooled by NFS root squashing and read-only mounts: write for real.
      await (await open(probe, 'wx')).close();
      await rm(probe, { force: true });
    } catch (err) {
      throw this.error(err, 'check');
    }
  }

  async listIncomplete(olderThan: Date): Promise<IncompleteWrite[]> {
    const found: IncompleteWrite[] = [];
    try {
      for await (const entry of walkFiles(this.root, '')) {
        if (!entry.temp) continue;
        const info = await stat(entry.full).catch(() => undefined);
        if (!info || info.mtime.getTime() >= olderThan.getTime()) continue;
        const dir = entry.rel.slice(0, entry.rel.lastIndexOf('/') + 1);
        found.push({
          key: dir + tempTarget(path.basename(entry.rel)),
          id: entry.rel,
          initiated: info.mtime,
        });
      }
    } catch (err) {
      throw this.error(err, 'listIncomplete');
    }
    return found;
  }

  async abortIncomplete(item: Pick<IncompleteWrite, 'key' | 'id'>): Promise<void> {
    const segments = item.id.split('/');
    // The id comes back from callers: make sure it can only ever name one of our temp files.
    if (
      !isTempName(segments[segments.length - 1] ?? '') ||
      segments.some((s) => s === '..' || s === '')
    ) {
      throw new StorageError(
        'InvalidKey',
        `"${item.id}" is not the id of an incomplete write in ${this.location}`,
      );
    }
    try {
      await rm(path.join(this.root, item.id), { force: true });
    } catch (err) {
      throw this.error(err, 'abortIncomplete', item.key);
    }
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    return path.join(this.root, key);
  }

  /** Best effort: retention would otherwise leave a trail of empty per-backup directories. */
  private async pruneEmptyDirectories(dir: string): Promise<void> {
    for (
      let current = dir;
      current.startsWith(`${this.root}${path.sep}`);
      current = path.dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or not ours to remove
      }
    }
    await syncDirectory(this.root).catch(() => {});
  }

  /**
   * The base directory, or its nearest existing ancestor: the first put creates
   * the missing levels, so the probe is whether it could. The file system root
   * does not count: it means the volume is not there at all.
   */
  private async nearestExistingDirectory(): Promise<string> {
    const missing = (code: string) =>
      this.error(Object.assign(new Error(code), { code }), 'check', undefined, 'NoSuchBucket');
    for (let dir = this.root; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const info = await stat(dir).catch((err: unknown) => {
        if (errnoOf(err) === 'ENOENT') return undefined;
        throw errnoOf(err) === 'ENOTDIR' ? missing('ENOTDIR') : this.error(err, 'check');
      });
      if (info?.isDirectory()) return dir;
      if (info) throw missing('ENOTDIR');
    }
    throw missing('ENOENT');
  }

  private error(
    err: unknown,
    operation: FsOperation,
    key?: string,
    override?: StorageError['code'],
  ): StorageError {
    const ctx = { operation, location: this.location, ...(key === undefined ? {} : { key }) };
    return toFsStorageError(err, ctx, override);
  }
}

function isListableKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}
