import type { Readable } from 'node:stream';

/** One stored object; `key` is relative to the store's base prefix. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutResult {
  readonly key: string;
  /** Bytes stored, counted while streaming. */
  readonly size: number;
}

export interface PutOptions {
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

export interface GetOptions {
  readonly signal?: AbortSignal;
}

/** Leftovers of a write that never committed (S3: a multipart upload; fs: a temp file). */
export interface IncompleteWrite {
  /** The key the failed write was aimed at (relative to the base prefix). */
  readonly key: string;
  /** Adapter-specific handle: the S3 upload id, or the temp file's relative path. */
  readonly id: string;
  readonly initiated: Date;
}

/**
 * The storage port: every snapshot, manifest and listing goes through it. Keys
 * are always relative to the store's base prefix (`a/b.db`, never `/a` or `..`).
 */
export interface ObjectStore {
  /** A printable location without credentials, e.g. `s3://bucket/prefix/` or `file:///var/backups`. */
  readonly location: string;

  /**
   * Streams `body` to `key`. The object becomes visible only if `body` ends
   * without error — including an error emitted at its very end, such as a
   * digest mismatch found in a Transform's flush. On any failure nothing is
   * visible, partial data is cleaned up and `body` is destroyed. Reads `body`
   * with backpressure in bounded memory. `signal` aborts with code `Aborted`.
   *
   * Rejects with the body's own error, untouched, when the failure began in
   * `body` (so a digest error stays a digest error); with a `StorageError`
   * otherwise.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<PutResult>;

  /** For small objects (manifests, JSON); the same all-or-nothing visibility. */
  putBytes(key: string, data: Uint8Array, options?: { contentType?: string }): Promise<PutResult>;

  /** Opens `key` for streaming; a missing key fails with code `NotFound` before any data flows. */
  get(key: string, options?: GetOptions): Promise<Readable>;

  getBytes(key: string): Promise<Buffer>;

  /** Every object whose key starts with `prefix` (a plain string prefix, as in S3), all pages, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;

  /** Removes `key`; a missing key is success, so retries are safe. */
  delete(key: string): Promise<void>;

  /** Readiness probe: the destination exists and can be used (S3: bucket listable; fs: directory writable). */
  check(): Promise<void>;

  /** Leftovers of failed writes started before `olderThan`. */
  listIncomplete(olderThan: Date): Promise<IncompleteWrite[]>;

  /** Removes one leftover; one that is already gone is success. */
  abortIncomplete(item: Pick<IncompleteWrite, 'key' | 'id'>): Promise<void>;

  /** Releases connections; the store must not be used afterwards. */
  close(): Promise<void>;
}
