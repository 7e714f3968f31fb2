import { SnapshotFormatError } from '../../bbolt/errors.js';
import { fileDigest, trailerInfo } from './trailer-check.js';
import { openSnapshot, withSnapshotFile } from './snapshot-file.js';

/**
 * Only etcd's sha256 trailer of a snapshot file, hashed on a worker thread
 * (so it overlaps whatever the caller walks meanwhile): what a logical
 * restore needs of a local file, whose pages it checks itself as it reads
 * them. Throws NoTrailer or DigestMismatch.
 */
export async function checkSnapshotDigest(path: string, signal?: AbortSignal): Promise<void> {
  await withSnapshotFile(path, async (handle, size) => {
    const snapshot = await openSnapshot(handle, size);
    const trailer = await trailerInfo(
      snapshot,
      fileDigest(path),
      signal ?? new AbortController().signal,
    );
    if (!trailer.present)
      throw new SnapshotFormatError(
        'NoTrailer',
        `file of ${size} bytes has no sha256 trailer after its ${snapshot.db.meta.pgid} pages`,
        { offset: size },
      );
    if (trailer.valid === false)
      throw new SnapshotFormatError(
        'DigestMismatch',
        `the database's sha256 does not match the trailer ${trailer.sha256}`,
        { offset: snapshot.dbBytes },
      );
  });
}
