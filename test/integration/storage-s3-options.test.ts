import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CHECKSUM_SETTINGS, type ChecksumSetting } from '../../src/api/v1alpha1/constants.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../../src/storage/index.js';
import { createS3Client } from '../../src/storage/s3/s3-client.js';
import { clientOptions } from '../../src/storage/s3/s3-options.js';
import { incomplete } from '../support/storage/contract/fixture.js';
import {
  MiB,
  digestOfGenerated,
  failingAtEnd,
  generated,
  sha256,
  stalling,
  until,
} from '../support/storage/contract/sources.js';
import { captureRequests, type Capture } from '../support/storage/capture.js';
import { useVersityGw } from '../support/storage/versitygw-store.js';

const BUCKET = 'options';
const gateway = useVersityGw([BUCKET]);

const stores: S3ObjectStore[] = [];
const clients: Array<{ destroy(): void }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const client of clients.splice(0)) client.destroy();
});

/** A store on its own prefix whose requests are recorded. */
function openCaptured(options: Partial<S3ObjectStoreOptions> = {}): {
  store: S3ObjectStore;
  capture: Capture;
} {
  const base = {
    ...gateway().storeOptions(BUCKET, `p${stores.length}-${Date.now()}`),
    partSize: 5 * MiB,
    ...options,
  };
  const client = createS3Client(clientOptions(base, gateway().server.region));
  clients.push(client);
  const store = new S3ObjectStore({ ...base, client });
  stores.push(store);
  return { store, capture: captureRequests(client) };
}

describe('S3 adapter options against versitygw', () => {
  it.each(CHECKSUM_SETTINGS.map((c) => [c]))(
    'round-trips single-part and multipart objects with checksum %s',
    async (checksum: ChecksumSetting) => {
      const { store, capture } = openCaptured({ checksum });
      await store.putBytes('small', Buffer.from('small'));
      await store.put('single', generated(MiB));
      await store.put('multi', generated(11 * MiB));
      expect(await sha256(await store.get('multi'))).toBe(digestOfGenerated(11 * MiB));
      expect(await sha256(await store.get('single'))).toBe(digestOfGenerated(MiB));
      const create = capture.sent.find((r) => r.command === 'CreateMultipartUploadCommand');
      const parts = capture.sent.filter((r) => r.command === 'UploadPartCommand');
      expect(parts).toHaveLength(3);
      if (checksum === 'none') {
        expect(create?.headers['x-amz-checksum-algorithm']).toBeUndefined();
        expect(
          parts.every((p) => !Object.keys(p.headers).some((h) => h.startsWith('x-amz-checksum-'))),
        ).toBe(true);
      } else {
        expect(create?.headers['x-amz-checksum-algorithm']).toBe(checksum);
        const header = `x-amz-checksum-${checksum.toLowerCase()}`;
        expect(parts.every((p) => typeof p.headers[header] === 'string')).toBe(true);
      }
    },
  );

  it('sends encryption, KMS key, storage class and content type on single and multipart puts', async () => {
    const { store, capture } = openCaptured({
      sse: 'aws:kms',
      kmsKeyId: 'alias/etcd-backups',
      storageClass: 'STANDARD_IA',
    });
    await store.putBytes('m.json', Buffer.from('{}'), { contentType: 'application/json' });
    await store.put('big.db', generated(6 * MiB), { contentType: 'application/octet-stream' });
    const writes = capture.sent.filter((r) =>
      ['PutObjectCommand', 'CreateMultipartUploadCommand'].includes(r.command),
    );
    expect(writes.map((r) => r.command)).toEqual([
      'PutObjectCommand',
      'CreateMultipartUploadCommand',
    ]);
    for (const write of writes) {
      expect(write.headers).toMatchObject({
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': 'alias/etcd-backups',
        'x-amz-storage-class': 'STANDARD_IA',
      });
    }
    expect(writes[0]!.headers['content-type']).toBe('application/json');
    const head = await gateway().admin.send(
      new HeadObjectCommand({
        Bucket: BUCKET,
        Key: `${store.location.split(`${BUCKET}/`)[1]}m.json`,
      }),
    );
    expect(head.ContentType).toBe('application/json');
  });

  it('uploads parts of the configured size, at most queueSize at a time', async () => {
    const { store, capture } = openCaptured({ queueSize: 2 });
    await store.put('big.db', generated(31 * MiB));
    const parts = capture.sent.filter((r) => r.command === 'UploadPartCommand');
    // Parts complete in any order; their sizes are what matters.
    const sizes = parts.map((p) => Number(p.headers['content-length'])).sort((a, b) => b - a);
    expect(sizes).toEqual([5, 5, 5, 5, 5, 5, 1].map((n) => n * MiB));
    expect(capture.maxInFlight('UploadPartCommand')).toBeLessThanOrEqual(2);
    expect(capture.maxInFlight('UploadPartCommand')).toBe(2);
  });

  it('aborts the multipart upload, and never completes it, when the body fails at its end', async () => {
    const { store, capture } = openCaptured();
    await expect(store.put('bad.db', failingAtEnd(12 * MiB))).rejects.toThrow(
      'trailing digest does not match',
    );
    expect(capture.commands()).toEqual(
      expect.arrayContaining([
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'AbortMultipartUploadCommand',
      ]),
    );
    expect(capture.commands()).not.toContain('CompleteMultipartUploadCommand');
    expect(capture.commands()).not.toContain('PutObjectCommand');
    expect(await gateway().multipartUploads(BUCKET)).toEqual([]);
  });

  it('has aborted the multipart upload by the time an aborted put settles', async () => {
    const { store, capture } = openCaptured();
    const body = stalling(7 * MiB);
    const controller = new AbortController();
    const put = store.put('aborted.db', body, { signal: controller.signal });
    await until('the multipart upload', async () => (await incomplete(store)).length > 0);
    controller.abort();
    await expect(put).rejects.toMatchObject({ code: 'Aborted' });
    // No waiting: the cleanup is part of the put, not left running in the background.
    expect(capture.commands()).toContain('AbortMultipartUploadCommand');
    expect(await gateway().multipartUploads(BUCKET)).toEqual([]);
  });
});
