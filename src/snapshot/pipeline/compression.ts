import zlib from 'node:zlib';
import { PassThrough, type Transform } from 'node:stream';

import { COMPRESSIONS, type Compression } from '../../api/v1alpha1/constants.js';

export { COMPRESSIONS, type Compression };

/** zstd level 3 (zstd's default) compresses etcd's mostly-protobuf pages well at > 300 MB/s. */
export function createCompressor(kind: Compression): Transform {
  switch (kind) {
    case 'zstd':
      return zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
    case 'gzip':
      return zlib.createGzip({ level: 6 });
    case 'none':
      return new PassThrough();
  }
}

/**
 * Output chunk of a decompressor. Each chunk is a thread-pool round trip:
 * zlib's default (16 KiB) took 5-7 s to inflate 1.2 GB of zstd on 2 busy
 * cores (the zstd CLI: 0.75 s). Measured in the whole DataDir restore of
 * 1.2 GB (BENCH_ONLY=restore, 2026-12-08, best of two): 64 KiB fetched in
 * 5.5 s at 144 MiB, 256 KiB in 4.3 s at 164 MiB, 1 MiB in 4.8 s at 172 MiB.
 */
const DECOMPRESSED_CHUNK_BYTES = 256 * 1024;

export function createDecompressor(kind: Compression): Transform {
  switch (kind) {
    case 'zstd':
      return zlib.createZstdDecompress({ chunkSize: DECOMPRESSED_CHUNK_BYTES });
    case 'gzip':
      return zlib.createGunzip({ chunkSize: DECOMPRESSED_CHUNK_BYTES });
    case 'none':
      return new PassThrough();
  }
}

export function parseCompression(value: string): Compression {
  if ((COMPRESSIONS as readonly string[]).includes(value)) return value as Compression;
  throw new Error(`unknown compression '${value}': use one of ${COMPRESSIONS.join(', ')}`);
}
