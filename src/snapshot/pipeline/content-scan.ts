import { Transform, type TransformCallback } from 'node:stream';
import {
  createSnapshotScanner,
  type SnapshotScanner,
  type SnapshotSummary,
} from '../inspect/index.js';
import type { ContentCount, ContentSummary } from '../catalog/manifest.js';

/** Namespaces beyond this many (largest first) are folded into one `(other namespaces)` entry. */
export const MANIFEST_NAMESPACE_LIMIT = 1000;

export function contentSummary(summary: SnapshotSummary): ContentSummary {
  const resources: ContentCount[] = summary.resources.map((r) => ({
    name: r.prefix,
    keys: r.keys,
    bytes: r.bytes,
  }));
  const all = [...summary.namespaces].sort(
    (a, b) => b.bytes - a.bytes || a.namespace.localeCompare(b.namespace),
  );
  const namespaces: ContentCount[] = all
    .slice(0, MANIFEST_NAMESPACE_LIMIT)
    .map((n) => ({ name: n.namespace, keys: n.keys, bytes: n.bytes }));
  const rest = all.slice(MANIFEST_NAMESPACE_LIMIT);
  if (rest.length > 0) {
    namespaces.push({
      name: `(${rest.length} other namespaces)`,
      keys: rest.reduce((s, n) => s + n.keys, 0),
      bytes: rest.reduce((s, n) => s + n.bytes, 0),
    });
  }
  return {
    revision: String(summary.revision),
    liveKeys: summary.live.keys,
    liveBytes: summary.live.bytes,
    resources,
    namespaces,
  };
}

/**
 * Passes the snapshot through unchanged while the streaming bbolt scanner
 * reads every page. Its verdict comes in flush, before the stream ends: a
 * database that does not parse fails the pipeline, so the upload is aborted
 * and nothing unrestorable is ever committed. The trailer is checked by
 * TrailerVerifier upstream, so the scanner skips its own digest, and the
 * manifest has no use for etcdutl's CRC-32C hash, so it skips that too.
 */
export class ContentScan extends Transform {
  private readonly scanner: SnapshotScanner = createSnapshotScanner({
    checkDigest: false,
    contentHash: false,
  });
  private summary: ContentSummary | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.scanner.write(chunk);
      done(null, chunk);
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.summary = contentSummary(this.scanner.finish());
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  result(): ContentSummary {
    if (!this.summary) throw new Error('ContentScan.result() before the stream finished');
    return this.summary;
  }
}
