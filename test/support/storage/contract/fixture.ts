import type { ObjectStore } from '../../../../src/storage/index.js';

/** How the contract suite gets stores of one adapter. */
export interface ContractFixture {
  /**
   * A store whose base prefix is `prefix` inside the adapter's shared space
   * (one bucket, one directory), so stores of different prefixes coexist.
   */
  open(prefix: string, options?: { listPageSize?: number }): Promise<ObjectStore>;
}

/** Opens stores on fresh prefixes and closes them after each test. */
export function freshStores(fixture: () => ContractFixture) {
  const opened: ObjectStore[] = [];
  let counter = 0;
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  const unique = (label: string) =>
    `${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
  return {
    unique,
    async open(prefix: string, options?: { listPageSize?: number }): Promise<ObjectStore> {
      const store = await fixture().open(prefix, options);
      opened.push(store);
      return store;
    },
    async fresh(options?: { listPageSize?: number }): Promise<ObjectStore> {
      return this.open(unique('contract'), options);
    },
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function keysOf(store: ObjectStore, prefix = ''): Promise<string[]> {
  return (await collect(store.list(prefix))).map((o) => o.key);
}

/** Leftovers of failed writes, whatever their age. */
export async function incomplete(store: ObjectStore) {
  return store.listIncomplete(new Date(Date.now() + 60 * 60_000));
}
