import { S3ObjectStore } from '../../src/storage/index.js';
import { describeObjectStoreContract } from '../support/storage/contract/object-store.contract.js';
import { MiB } from '../support/storage/contract/sources.js';
import { useVersityGw } from '../support/storage/versitygw-store.js';

const BUCKET = 'contract';
const gateway = useVersityGw([BUCKET]);

describeObjectStoreContract('s3 (versitygw)', () => ({
  open: async (prefix, options) =>
    new S3ObjectStore({
      ...gateway().storeOptions(BUCKET, prefix),
      partSize: 5 * MiB,
      queueSize: 2,
      ...(options?.listPageSize === undefined ? {} : { listPageSize: options.listPageSize }),
    }),
}));

describe('after the contract suite', () => {
  it('left no multipart upload anywhere in the bucket (failed and aborted puts really were aborted)', async () => {
    expect(await gateway().multipartUploads(BUCKET)).toEqual([]);
  });
});
