import { MemoryBucket } from '../../support/storage/memory-store.js';
import { describeObjectStoreContract } from '../../support/storage/contract/object-store.contract.js';

// The in-memory store the pipeline and agent unit tests use behaves as the real adapters do.
const bucket = new MemoryBucket();
describeObjectStoreContract(
  'memory',
  () => ({ open: async (prefix, options) => bucket.open(prefix, options) }),
  { inMemory: true },
);
