import { PassThrough, pipeline, type Transform, type Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import { buildInfo } from '../../config/build-info.js';
import { manifestObjectName, snapshotObjectName } from '../../domain/snapshot-naming.js';
import type { EtcdSnapshotSource } from '../../etcd/etcd-source.js';
import type { ObjectStore } from '../../storage/index.js';
import { ByteCounter } from './byte-counter.js';
import { ContentScan } from './content-scan.js';
import { createCompressor, type Compression } from './compression.js';
import { createEncryptor } from './encryption.js';
import {
  MANIFEST_API_VERSION,
  MANIFEST_KIND,
  serializeManifest,
  type SnapshotManifest,
} from '../catalog/manifest.js';
import { TrailerVerifier } from './trailer-verifier.js';

export interface SaveProgress {
  readonly rawBytes: number;
  readonly storedBytes: number;
  /** etcd's remaining_bytes: with rawBytes, the total for an ETA. */
  readonly remainingBytes: number | undefined;
}

export interface SaveOptions {
  readonly source: EtcdSnapshotSource;
  readonly store: ObjectStore;
  /** The backup's name: the first segment of every object key it owns. */
  readonly name: string;
  readonly compression: Compression;
  /** age X25519 recipients; empty = not encrypted. */
  readonly recipients: readonly string[];
  readonly now: () => Date;
  readonly onProgress?: (progress: SaveProgress) => void;
  readonly signal?: AbortSignal;
  /** Scan the database as it streams for the manifest's content summary (default true). */
  readonly contentSummary?: boolean;
}

/**
 * etcd Maintenance.Snapshot → trailer check → compress → encrypt → store.
 * Streams end to end (memory flat at any size). The manifest, written last,
 * is the commit marker: it exists only if the stored object is complete and
 * etcd's sha256 matched.
 */
export async function saveSnapshot(options: SaveOptions): Promise<SnapshotManifest> {
  const startTime = options.now();
  const snap = await options.source.openSnapshot(options.signal);
  const revision = await snap.revision;
  const encrypted = options.recipients.length > 0;
  const key = snapshotObjectName({
    name: options.name,
    time: startTime,
    revision: BigInt(revision),
    compression: options.compression,
    encrypted,
  });
  // Stored as it came (no compression, no encryption): the stored object's
  // sha256 comes from the trailer check's own hashing pass.
  const asIs = options.compression === 'none' && !encrypted;
  const report = (): void =>
    options.onProgress?.({
      rawBytes: verifier.bytes,
      storedBytes: stored.bytes,
      remainingBytes: snap.remainingBytes(),
    });
  const verifier = new TrailerVerifier({ onBytes: report, whole: asIs });
  const stored = new ByteCounter({ hash: !asIs, onBytes: report });
  // The content summary costs memory in proportion to the number of keys;
  // contentSummary: false keeps a save's memory flat.
  const scan = options.contentSummary === false ? undefined : new ContentScan();
  const stages: Array<Transform | Duplex> = [verifier];
  if (scan) stages.push(scan);
  if (options.compression !== 'none') stages.push(createCompressor(options.compression));
  if (encrypted) stages.push(createEncryptor(options.recipients));
  const body = new PassThrough();
  pipeline([snap.bytes, ...stages, stored, body], () => {});
  try {
    await options.store.put(key, body, { signal: options.signal });
    await finished(stored);
  } catch (err) {
    // Tears the whole chain down, which also cancels the etcd stream.
    body.destroy(err as Error);
    throw err;
  }
  const manifest: SnapshotManifest = {
    apiVersion: MANIFEST_API_VERSION,
    kind: MANIFEST_KIND,
    name: options.name,
    key,
    revision,
    etcdVersion: snap.member.version,
    clusterId: snap.member.clusterId,
    memberId: snap.member.memberId,
    endpoint: snap.member.endpoint,
    raw: verifier.result(),
    stored: { sha256: asIs ? verifier.wholeSha256() : stored.sha256(), size: stored.bytes },
    compression: options.compression,
    encryption: encrypted ? { type: 'age', recipients: [...options.recipients] } : null,
    startTime: startTime.toISOString(),
    endTime: options.now().toISOString(),
    tool: { name: buildInfo().name, version: buildInfo().version },
    content: scan ? scan.result() : null,
  };
  try {
    await options.store.putBytes(manifestObjectName(key), serializeManifest(manifest), {
      contentType: 'application/json',
    });
  } catch (err) {
    await options.store.delete(key).catch(() => {});
    throw err;
  }
  return manifest;
}
