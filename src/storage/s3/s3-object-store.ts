import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { assertValidKey, assertValidPrefix, normalizeBasePrefix } from '../keys.js';
import type {
  GetOptions,
  IncompleteWrite,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from '../object-store.js';
import { StorageError, isStorageError } from '../storage-error.js';
import { BodyStreamError, guardReadable } from '../streams.js';
import { createS3Client } from './s3-client.js';
import { toStorageError, type S3Operation } from './s3-errors.js';
import { listMultipartUploads, relativeObjects } from './s3-listing.js';
import {
  DEFAULT_PART_SIZE,
  DEFAULT_QUEUE_SIZE,
  MIN_PART_SIZE,
  clientOptions,
  objectSettings,
  type S3ObjectStoreOptions,
} from './s3-options.js';
import { uploadStream } from './s3-upload.js';

const RESET_REASONS = new Set(['ECONNRESET', 'EPIPE']);

/** `ObjectStore` on S3 and S3-compatible servers (MinIO, Ceph RGW, versitygw, …). */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly base: string;
  private readonly endpointLabel: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;
  private readonly objectSettings: Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'>;
  private readonly secrets: readonly (string | undefined)[];

  constructor(options: S3ObjectStoreOptions) {
    const region = options.region ?? 'us-east-1';
    this.bucket = options.bucket;
    this.base = normalizeBasePrefix(options.prefix ?? '');
    this.location = `s3://${options.bucket}/${this.base}`;
    this.endpointLabel = options.endpoint ?? `https://s3.${region}.amazonaws.com`;
    this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
    this.queueSize = Math.max(options.queueSize ?? DEFAULT_QUEUE_SIZE, 1);
    this.listPageSize = options.listPageSize ?? 1000;
    this.objectSettings = objectSettings(options);
    this.secrets = [options.credentials?.secretAccessKey, options.credentials?.sessionToken];
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createS3Client(clientOptions(options, region));
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const { partSize, queueSize, client } = this;
    try {
      assertValidKey(key);
      const params = this.putParams(key, options.contentType);
      const { signal } = options;
      const size = await uploadStream({ client, params, body, partSize, queueSize, signal });
      return { key, size };
    } catch (err) {
      if (!body.destroyed) body.destroy();
      if (err instanceof BodyStreamError) throw err.original;
      throw await this.diagnoseReset(this.error(err, 'put', key), key);
    }
  }

  async putBytes(
    key: string,
    data: Uint8Array,
    options: { contentType?: string } = {},
  ): Promise<PutResult> {
    assertValidKey(key);
    const input = {
      ...this.putParams(key, options.contentType),
      Body: data,
      ContentLength: data.byteLength,
    };
    try {
      await this.client.send(new PutObjectCommand(input));
    } catch (err) {
      throw await this.diagnoseReset(this.error(err, 'put', key), key);
    }
    return { key, size: data.byteLength };
  }

  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    const input = { Bucket: this.bucket, Key: this.base + key };
    const out = await this.call('get', key, () =>
      this.client.send(new GetObjectCommand(input), { abortSignal: options.signal }),
    );
    // In Node the SDK's body is an http.IncomingMessage (a Readable) with helper methods mixed in.
    const body = out.Body as Readable;
    return guardReadable(body, (err) => this.error(err, 'get', key), options.signal);
  }

  async getBytes(key: string): Promise<Buffer> {
    const stream = await this.get(key);
    return buffer(stream);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    const pages = relativeObjects({
      client: this.client,
      bucket: this.bucket,
      base: this.base,
      prefix,
      pageSize: this.listPageSize,
    });
    try {
      yield* pages;
    } catch (err) {
      throw this.error(err, 'list');
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const input = { Bucket: this.bucket, Key: this.base + key };
    try {
      await this.call('delete', key, () => this.client.send(new DeleteObjectCommand(input)));
    } catch (err) {
      if (!isStorageError(err, 'NotFound')) throw err;
    }
  }

  async check(): Promise<void> {
    const input = { Bucket: this.bucket, Prefix: this.base, MaxKeys: 1 };
    await this.call('check', undefined, () => this.client.send(new ListObjectsV2Command(input)));
  }

  async listIncomplete(olderThan: Date): Promise<IncompleteWrite[]> {
    const { client, bucket, base } = this;
    const uploads = await this.call('listIncomplete', undefined, () =>
      listMultipartUploads({ client, bucket, base }),
    );
    return uploads.filter((u) => u.initiated.getTime() < olderThan.getTime());
  }

  async abortIncomplete(item: Pick<IncompleteWrite, 'key' | 'id'>): Promise<void> {
    assertValidKey(item.key);
    const input = { Bucket: this.bucket, Key: this.base + item.key, UploadId: item.id };
    try {
      await this.call('abortIncomplete', item.key, () =>
        this.client.send(new AbortMultipartUploadCommand(input)),
      );
    } catch (err) {
      if (!isStorageError(err, 'NotFound')) throw err;
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private putParams(
    key: string,
    contentType: string | undefined,
  ): Omit<PutObjectCommandInput, 'Body'> {
    return {
      Bucket: this.bucket,
      Key: this.base + key,
      ...this.objectSettings,
      ...(contentType === undefined ? {} : { ContentType: contentType }),
    };
  }

  /**
   * A server that refuses a request with a body (bad credentials, no bucket)
   * may answer and close the connection before reading the body; the client,
   * still writing (the SDK does not wait for "100 Continue" on a caller's
   * agent, and ours carries the CA bundle), sees only ECONNRESET/EPIPE. A
   * bodiless probe then tells the real cause instead of "cannot reach".
   */
  private async diagnoseReset(err: StorageError, key: string): Promise<StorageError> {
    if (err.code !== 'Unreachable' || !RESET_REASONS.has(err.detail.reason ?? '')) return err;
    const probe = await this.check().then(
      () => undefined,
      (probeError: unknown) => probeError,
    );
    if (!isStorageError(probe) || probe.code === 'Unreachable' || probe.code === 'Unknown') {
      return err;
    }
    const note = `found after the connection was reset during put of "${key}"`;
    return new StorageError(probe.code, `${probe.message} (${note})`, { detail: probe.detail });
  }

  private async call<T>(
    operation: S3Operation,
    key: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.error(err, operation, key);
    }
  }

  private error(err: unknown, operation: S3Operation, key?: string): StorageError {
    return toStorageError(err, {
      operation,
      bucket: this.bucket,
      endpoint: this.endpointLabel,
      location: this.location,
      secrets: this.secrets,
      ...(key === undefined ? {} : { key }),
    });
  }
}
