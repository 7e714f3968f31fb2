import { pipeline, type Readable } from 'node:stream';
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BodyStreamError, ByteCounter, abortError, firstStreamError, onAbort } from '../streams.js';

export interface StreamUpload {
  readonly client: S3Client;
  /** Bucket, Key and object settings (content type, encryption, storage class, checksum). */
  readonly params: Omit<PutObjectCommandInput, 'Body'>;
  readonly body: Readable;
  readonly partSize: number;
  readonly queueSize: number;
  readonly signal?: AbortSignal;
}

/**
 * Streams `body` with a multipart upload (a single PutObject when it fits in
 * one part) and resolves with the byte count. Memory stays within about
 * `queueSize + 1` parts.
 *
 * All-or-nothing: `Upload` reads the body to its end before it completes the
 * upload, so an error the body emits at any point, even from a final flush,
 * stops it before CompleteMultipartUpload; with `leavePartsOnError: false` it
 * then aborts the multipart upload before `done()` settles.
 *
 * Abort is done by failing the body rather than with `Upload.abort()`: the
 * latter makes `done()` reject at once while the cleanup still runs in the
 * background, so a caller could observe the upload's leftovers.
 */
export async function uploadStream(request: StreamUpload): Promise<number> {
  const { body, signal } = request;
  if (signal?.aborted) {
    body.destroy();
    throw abortError(signal);
  }
  const counter = new ByteCounter();
  const origin = firstStreamError([body, counter]);
  // pipeline propagates errors both ways: a failing body fails the counter, and destroying the counter destroys the body.
  pipeline(body, counter, () => {});
  const stopListening = onAbort(signal, () => counter.destroy(abortError(signal!)));
  const upload = new Upload({
    client: request.client,
    params: { ...request.params, Body: counter },
    partSize: request.partSize,
    queueSize: request.queueSize,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
    return counter.bytes;
  } catch (err) {
    const first = origin();
    // The upload may have failed on the S3 side: stop the producer too.
    counter.destroy();
    if (signal?.aborted) throw abortError(signal);
    if (first?.stream === body) throw new BodyStreamError(first.error);
    throw err;
  } finally {
    stopListening();
  }
}
