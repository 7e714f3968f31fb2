import { SnapshotFormatError } from '../../bbolt/errors.js';
import { digestFileOnWorker } from './digest-worker.js';
import { digestDatabase, readTrailer, type OpenedSnapshot } from './snapshot-file.js';
import type { TrailerInfo } from './types.js';

/** Computes the sha256 (hex) of a snapshot's database part. */
export type Digest = (snapshot: OpenedSnapshot, signal: AbortSignal) => Promise<string>;

/** On the main thread, through the snapshot's own reader (any reader, e.g. memory). */
export const readerDigest: Digest = (snapshot, signal) => digestDatabase(snapshot, signal);

/** On a worker thread reading the file itself, in parallel with the tree walk. */
export function fileDigest(path: string): Digest {
  return async (snapshot, signal) => {
    const digest = await digestFileOnWorker(path, snapshot.dbBytes, signal);
    if (digest !== null) return digest;
    throw new SnapshotFormatError(
      'Truncated',
      `${path} shrank below ${snapshot.dbBytes} bytes while it was read`,
      {
        offset: snapshot.dbBytes,
      },
    );
  };
}

/** The trailer, checked against `digest` unless it is null. */
export async function trailerInfo(
  snapshot: OpenedSnapshot,
  digest: Digest | null,
  signal: AbortSignal,
): Promise<TrailerInfo> {
  const sha256 = await readTrailer(snapshot);
  if (sha256 === null) return { present: false, sha256: null, valid: null };
  if (digest === null) return { present: true, sha256, valid: null };
  return { present: true, sha256, valid: (await digest(snapshot, signal)) === sha256 };
}

/**
 * Awaits both, so nothing still reads the file when the caller closes it; the
 * first failure aborts the other and is rethrown.
 */
export async function settleBoth<A, B>(
  a: Promise<A>,
  b: Promise<B>,
  stop: AbortController,
): Promise<[A, B]> {
  const abortOnError = (err: unknown) => {
    stop.abort();
    throw err;
  };
  const [ra, rb] = await Promise.allSettled([a.catch(abortOnError), b.catch(abortOnError)]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
