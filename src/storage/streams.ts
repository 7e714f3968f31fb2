import {
  PassThrough,
  Transform,
  finished,
  type Readable,
  type Stream,
  type TransformCallback,
} from 'node:stream';
import { ProjectError } from '../api/errors.js';

/** Counts the bytes flowing through, so a put can report its size without buffering. */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** An `Error` named `AbortError`, as Node's own cancellations are. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const message = reason instanceof Error ? reason.message : 'The operation was aborted';
  return Object.assign(new Error(message), { name: 'AbortError' });
}

/** Runs `fn` once when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/**
 * Re-emits `source` with its errors translated by `map`, so consumers of a
 * `get` see `StorageError`s even for failures in the middle of a download, and
 * fails it when `signal` aborts. Destroying the result (a consumer giving up)
 * destroys the source.
 */
export function guardReadable(
  source: Readable,
  map: (err: unknown) => Error,
  signal?: AbortSignal,
): Readable {
  const out = new PassThrough();
  // `finished` also reports a source that closed before its end, which `pipe` would not.
  finished(source, (err) => {
    if (err) out.destroy(map(signal?.aborted ? abortError(signal) : err));
  });
  const stopListening = onAbort(signal, () => out.destroy(map(abortError(signal!))));
  out.on('close', () => {
    stopListening();
    if (!source.destroyed) source.destroy();
  });
  source.pipe(out);
  return out;
}

/**
 * The body of a put failed on its own (a digest mismatch, a broken source):
 * the adapters rethrow `original` untouched, so callers see their own error
 * type rather than a storage failure.
 */
export class BodyStreamError extends ProjectError {
  override readonly name = 'BodyStreamError';
  readonly code = 'BodyFailed';
  readonly category = 'internal';
  constructor(readonly original: unknown) {
    super('the body stream failed');
  }
}

/**
 * Remembers which stream of a pipeline emitted an error first: that is where
 * the failure began (pipeline then destroys the others with the same error).
 */
export function firstStreamError(
  streams: readonly Stream[],
): () => { stream: Stream; error: unknown } | undefined {
  let first: { stream: Stream; error: unknown } | undefined;
  for (const stream of streams) {
    stream.on('error', (error: unknown) => {
      first ??= { stream, error };
    });
  }
  return () => first;
}
