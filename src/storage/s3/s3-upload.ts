import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
  type UploadPartCommandOutput,
} from '@aws-sdk/client-s3';
import { BodyStreamError, abortError, firstStreamError, onAbort } from '../streams.js';
import { PartBuffers, cutParts, type Part } from './s3-parts.js';

export interface StreamUpload {
  readonly client: S3Client;
  /** Bucket, Key and object settings (content type, encryption, storage class, checksum). */
  readonly params: Omit<PutObjectCommandInput, 'Body'>;
  readonly body: Readable;
  readonly partSize: number;
  readonly queueSize: number;
  readonly signal?: AbortSignal;
}

/** S3's limit on the parts of one upload. */
const MAX_PARTS = 10_000;

const CHECKSUM_FIELDS = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumSHA1',
  'ChecksumSHA256',
] as const;

/**
 * Streams `body` with a multipart upload (a single PutObject when it fits in
 * one part) and resolves with the byte count. Memory is `queueSize + 1` part
 * buffers, allocated once and reused.
 *
 * All-or-nothing: the upload is completed only after the body ended without
 * error, so an error the body emits at any point, even from a final flush,
 * stops it before CompleteMultipartUpload; the multipart upload is then
 * aborted (after the parts in flight settled) before this settles.
 */
export async function uploadStream(request: StreamUpload): Promise<number> {
  const { body, signal } = request;
  if (signal?.aborted) {
    body.destroy();
    throw abortError(signal);
  }
  const origin = firstStreamError([body]);
  const stopListening = onAbort(signal, () => body.destroy(abortError(signal!)));
  const upload = new MultipartUpload(request);
  try {
    return await upload.run();
  } catch (err) {
    if (!body.destroyed) body.destroy();
    if (signal?.aborted) throw abortError(signal);
    // A failed S3 request is the cause: leaving the body's iterator early then
    // destroys the body with an AbortError, which is teardown, not its failure.
    if (upload.requestFailed) throw err;
    const first = origin();
    if (first) throw new BodyStreamError(first.error);
    throw err;
  } finally {
    stopListening();
  }
}

class MultipartUpload {
  private uploadId: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly done: CompletedPart[] = [];
  private failure: { error: unknown } | undefined;
  /** Cuts the parts in flight short once the upload is failing. */
  private readonly stop = new AbortController();
  /** Set when an S3 request failed (rather than the body): that error is what happened. */
  requestFailed = false;

  constructor(private readonly request: StreamUpload) {}

  async run(): Promise<number> {
    const { body, partSize, queueSize } = this.request;
    let size = 0;
    try {
      for await (const part of cutParts(body, partSize, new PartBuffers(partSize))) {
        size += part.data.length;
        if (part.number === 1 && part.last) {
          await this.s3Call(() => this.putObject(part));
          return size;
        }
        if (part.number > MAX_PARTS)
          throw new Error(
            `the object needs more than ${MAX_PARTS} parts of ${partSize} bytes: raise partSizeMiB`,
          );
        this.uploadId ??= await this.s3Call(() => this.create());
        this.send(part);
        if (this.inFlight.size >= queueSize) await Promise.race(this.inFlight);
        if (this.failure) throw this.failure.error;
      }
      await Promise.all(this.inFlight);
      if (this.failure) throw this.failure.error;
      await this.s3Call(() => this.complete());
      return size;
    } catch (err) {
      // The first error is what happened; a failed cleanup leaves an upload that prune removes.
      await this.abort().catch(() => {});
      throw err;
    }
  }

  /** Runs one S3 request, noting when it fails. */
  private async s3Call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      this.requestFailed = true;
      throw err;
    }
  }

  private async putObject(part: Part): Promise<void> {
    const { client, params } = this.request;
    try {
      await client.send(
        new PutObjectCommand({ ...params, Body: part.data, ContentLength: part.data.length }),
      );
    } finally {
      part.release();
    }
  }

  private async create(): Promise<string> {
    const { client, params } = this.request;
    const out = await client.send(new CreateMultipartUploadCommand(params));
    if (!out.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    return out.UploadId;
  }

  /** Starts one part; its outcome lands in `done` or `failure`, so it never rejects. */
  private send(part: Part): void {
    const { client, params } = this.request;
    const input = {
      Bucket: params.Bucket,
      Key: params.Key,
      UploadId: this.uploadId,
      PartNumber: part.number,
      Body: part.data,
      ContentLength: part.data.length,
      ...(params.ChecksumAlgorithm ? { ChecksumAlgorithm: params.ChecksumAlgorithm } : {}),
    };
    const sent: Promise<void> = client
      .send(new UploadPartCommand(input), { abortSignal: this.stop.signal })
      .then((out) => void this.done.push(completedPart(part.number, out)))
      .catch((error: unknown) => {
        // A part cut short by our own stop is not a failure of its own.
        if (this.stop.signal.aborted) return;
        this.failure = { error };
        this.requestFailed = true;
        this.stop.abort();
      })
      .finally(() => {
        part.release();
        this.inFlight.delete(sent);
      });
    this.inFlight.add(sent);
  }

  private async complete(): Promise<void> {
    const { client, params } = this.request;
    const parts = [...this.done].sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: params.Bucket,
        Key: params.Key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  }

  /** Waits for the parts in flight, then removes the upload: nothing is left when run() settles. */
  private async abort(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.inFlight);
    if (this.uploadId === undefined) return;
    const { client, params } = this.request;
    const input = { Bucket: params.Bucket, Key: params.Key, UploadId: this.uploadId };
    await client.send(new AbortMultipartUploadCommand(input));
  }
}

function completedPart(number: number, out: UploadPartCommandOutput): CompletedPart {
  if (!out.ETag) throw new Error(`UploadPart ${number} returned no ETag`);
  const part: CompletedPart = { PartNumber: number, ETag: out.ETag };
  for (const field of CHECKSUM_FIELDS) if (out[field]) part[field] = out[field];
  return part;
}
