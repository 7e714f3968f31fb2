// A versitygw (real S3 server) per test file, with buckets created through the SDK.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  S3Client,
  type MultipartUpload,
} from '@aws-sdk/client-s3';
import type { S3ObjectStoreOptions } from '../../../src/storage/index.js';
import { startVersityGw, type S3Server } from '../testbed/versitygw.js';
import { suiteFailed } from '../bed-suite.js';
import { tail } from '../testbed/managed-process.js';

export interface GatewayHandle {
  readonly server: S3Server;
  /** A client for test set-up and for checking the server's state behind the store's back. */
  readonly admin: S3Client;
  /** Options for an S3ObjectStore on `bucket`/`prefix` with the gateway's credentials. */
  storeOptions(bucket: string, prefix?: string): S3ObjectStoreOptions;
  /** Every multipart upload in progress in `bucket`, whatever the prefix. */
  multipartUploads(bucket: string): Promise<MultipartUpload[]>;
}

export function useVersityGw(buckets: readonly string[]): () => GatewayHandle {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'storage-s3-'));
  let handle: GatewayHandle | undefined;
  beforeAll(async () => {
    const server = await startVersityGw({ dir });
    const admin = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    for (const bucket of buckets) await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    handle = {
      server,
      admin,
      storeOptions: (bucket, prefix = '') => ({
        bucket,
        prefix,
        endpoint: server.endpoint,
        region: server.region,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      }),
      multipartUploads: async (bucket) =>
        (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [],
    };
  }, 120_000);
  afterAll(async () => {
    if (handle) {
      if (suiteFailed())
        process.stderr.write(`versitygw log:\n${tail(handle.server.process.spec.logFile)}\n`);
      handle.admin.destroy();
      await handle.server.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  return () => {
    if (!handle) throw new Error('versitygw not started');
    return handle;
  };
}
