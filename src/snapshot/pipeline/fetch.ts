import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../../storage/index.js';
import { ByteCounter } from './byte-counter.js';
import { createDecompressor } from './compression.js';
import { EncryptionError, createDecryptor } from './encryption.js';
import type { SnapshotManifest } from '../catalog/manifest.js';
import { DigestError, TrailerVerifier } from './trailer-verifier.js';

export interface FetchResult {
  readonly file: string;
  /** etcd's database digest, checked against the trailer and the manifest. */
  readonly sha256: string;
  readonly size: number;
}

/**
 * Download → check the stored sha256 → decrypt → decompress → check etcd's
 * trailer → a `.db` file that `etcdutl snapshot restore` accepts. Written to
 * a temp file beside `file` and renamed only when every check passed.
 */
export async function fetchSnapshot(options: {
  readonly store: ObjectStore;
  readonly manifest: SnapshotManifest;
  readonly identities: readonly string[];
  readonly file: string;
  readonly signal?: AbortSignal;
  /** Stored bytes downloaded so far (of manifest.stored.size), as they arrive. */
  readonly onProgress?: (storedBytes: number) => void;
}): Promise<FetchResult> {
  const { manifest } = options;
  if (manifest.encryption && options.identities.length === 0) {
    throw new EncryptionError(
      'InvalidIdentity',
      `${manifest.key} is encrypted with age: give the identity file (--identity-file, or the decryption Secret)`,
    );
  }
  const tmp = path.join(
    path.dirname(options.file),
    `.${path.basename(options.file)}.partial-${process.pid}`,
  );
  const stored = new ByteCounter({
    hash: true,
    ...(options.onProgress ? { onBytes: options.onProgress } : {}),
  });
  const verifier = new TrailerVerifier();
  const stages: Array<Transform | Duplex> = [stored];
  if (manifest.encryption) stages.push(createDecryptor(options.identities));
  stages.push(createDecompressor(manifest.compression), verifier);
  try {
    const body = await options.store.get(manifest.key, { signal: options.signal });
    await pipeline([body, ...stages, createWriteStream(tmp, { mode: 0o600 })], {
      signal: options.signal,
    });
    if (stored.sha256() !== manifest.stored.sha256) {
      throw new DigestError(
        'DigestMismatch',
        `${manifest.key}: stored sha256 ${stored.sha256()} differs from the manifest's ${manifest.stored.sha256}; the object was altered after it was written`,
      );
    }
    const raw = verifier.result();
    if (raw.sha256 !== manifest.raw.sha256) {
      throw new DigestError(
        'DigestMismatch',
        `${manifest.key}: database sha256 ${raw.sha256} differs from the manifest's ${manifest.raw.sha256}`,
      );
    }
    const handle = await open(tmp, 'r');
    await handle.sync();
    await handle.close();
    await rename(tmp, options.file);
    return { file: options.file, sha256: raw.sha256, size: raw.size };
  } catch (err) {
    await rm(tmp, { force: true });
    throw asIntegrityError(err, manifest.key);
  }
}

/** Decompression and decryption failures on downloaded bytes mean the stored object is damaged. */
function asIntegrityError(err: unknown, key: string): unknown {
  const e = err as { code?: string; message?: string };
  const zlib = typeof e.code === 'string' && /^(Z_|ZSTD_|ERR_ZSTD|ERR_ZLIB)/.test(e.code);
  const age =
    !(err instanceof EncryptionError) &&
    /decrypt|invalid tag|header|stanza|chunk/i.test(e.message ?? '') &&
    !e.code;
  if (zlib || age) {
    return new DigestError(
      'Corrupt',
      `${key} is damaged: ${zlib ? 'decompression' : 'decryption'} failed (${e.message}); restore another snapshot`,
    );
  }
  return err;
}
