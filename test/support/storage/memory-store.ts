import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  assertValidKey,
  assertValidPrefix,
  normalizeBasePrefix,
} from '../../../src/storage/keys.js';
import type {
  GetOptions,
  IncompleteWrite,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from '../../../src/storage/object-store.js';
import { StorageError } from '../../../src/storage/storage-error.js';
import { guardReadable, onAbort } from '../../../src/storage/streams.js';

interface Stored {
  readonly data: Buffer;
  readonly lastModified: Date;
}

interface Pending {
  readonly key: string;
  readonly id: string;
  readonly initiated: Date;
  /** Ends the put with this error (abortIncomplete). */
  readonly cancel: (err: Error) => void;
}

/** The objects of one in-memory "bucket", shared by the stores opened on its prefixes. */
export class MemoryBucket {
  readonly objects = new Map<string, Stored>();
  readonly pending = new Map<string, Pending>();

  open(prefix = '', options: { listPageSize?: number } = {}): MemoryObjectStore {
    return new MemoryObjectStore(this, prefix, options.listPageSize);
  }
}

/**
 * An ObjectStore that keeps its objects in memory, for fast unit tests of the
 * pipeline and the agent. It passes the same contract suite as the S3 and
 * filesystem adapters (test/unit/storage/memory-store.test.ts), except the
 * bounded-memory case: holding the data is what it is for.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly location: string;
  private readonly prefix: string;

  constructor(
    private readonly bucket: MemoryBucket,
    prefix: string,
    private readonly pageSize = 1000,
  ) {
    this.prefix = normalizeBasePrefix(prefix);
    this.location = `memory://bucket/${this.prefix}`;
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const { signal } = options;
    try {
      assertValidKey(key);
      if (signal?.aborted) throw new StorageError('Aborted', `put of ${key} was aborted`);
    } catch (err) {
      body.destroy();
      throw err;
    }
    const id = randomBytes(8).toString('hex');
    let cancelled: Error | undefined;
    const cancel = (err: Error) => {
      cancelled = err;
      body.destroy();
    };
    this.bucket.pending.set(id, { key, id, initiated: new Date(), cancel });
    const stop = onAbort(signal, () =>
      cancel(new StorageError('Aborted', `put of ${key} was aborted`)),
    );
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
      }
    } catch (err) {
      if (cancelled) throw cancelled;
      // The body failed on its own (a digest mismatch): its error, untouched.
      if (!isPrematureClose(err)) throw err;
      throw new StorageError('Unknown', `the body of ${key} ended early`, { cause: err });
    } finally {
      stop();
      this.bucket.pending.delete(id);
      if (!body.destroyed) body.destroy();
    }
    if (cancelled) throw cancelled;
    this.bucket.objects.set(this.full(key), {
      data: Buffer.concat(chunks),
      lastModified: new Date(),
    });
    return { key, size };
  }

  async putBytes(key: string, data: Uint8Array): Promise<PutResult> {
    return this.put(key, Readable.from([Buffer.from(data)]));
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    const { signal } = options;
    if (signal?.aborted) throw new StorageError('Aborted', `get of ${key} was aborted`);
    const data = this.stored(key).data;
    // Chunks, so that an abort can land in the middle of a large object.
    const chunks = function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
    };
    return guardReadable(
      Readable.from(chunks()),
      (err) =>
        err instanceof StorageError
          ? err
          : (err as Error).name === 'AbortError'
            ? new StorageError('Aborted', `get of ${key} was aborted`)
            : new StorageError('Unknown', `get of ${key} failed`, { cause: err }),
      signal,
    );
  }

  async getBytes(key: string): Promise<Buffer> {
    assertValidKey(key);
    return Buffer.from(this.stored(key).data);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const full = this.full(prefix);
    const keys = [...this.bucket.objects.keys()].filter((k) => k.startsWith(full)).sort();
    for (let page = 0; page < keys.length; page += this.pageSize) {
      for (const k of keys.slice(page, page + this.pageSize)) {
        const stored = this.bucket.objects.get(k);
        if (!stored) continue;
        yield {
          key: k.slice(this.prefix.length),
          size: stored.data.length,
          lastModified: stored.lastModified,
        };
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.bucket.objects.delete(this.full(key));
  }

  async check(): Promise<void> {}

  async listIncomplete(olderThan: Date): Promise<IncompleteWrite[]> {
    return [...this.bucket.pending.values()]
      .filter((p) => p.initiated < olderThan)
      .map(({ key, id, initiated }) => ({ key, id, initiated }));
  }

  async abortIncomplete(item: Pick<IncompleteWrite, 'key' | 'id'>): Promise<void> {
    const pending = this.bucket.pending.get(item.id);
    this.bucket.pending.delete(item.id);
    pending?.cancel(new StorageError('Aborted', `the write of ${item.key} was aborted`));
  }

  async close(): Promise<void> {}

  private full(key: string): string {
    return `${this.prefix}${key}`;
  }

  private stored(key: string): Stored {
    const stored = this.bucket.objects.get(this.full(key));
    if (!stored)
      throw new StorageError('NotFound', `object "${key}" in ${this.location} does not exist`);
    return stored;
  }
}

function isPrematureClose(err: unknown): boolean {
  return (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}
