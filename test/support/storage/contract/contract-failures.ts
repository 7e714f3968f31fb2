import { StorageError } from '../../../../src/storage/index.js';
import { type ContractFixture, freshStores, incomplete, keysOf } from './fixture.js';
import { peakBufferMemory } from './memory.js';
import {
  DigestMismatch,
  MiB,
  digestOfGenerated,
  failingAtEnd,
  generated,
  sha256,
  stalling,
  until,
} from './sources.js';

/** Failed, aborted and large writes: nothing half-written may ever become visible. */
export function failuresContract(
  fixture: () => ContractFixture,
  options: { readonly inMemory?: boolean } = {},
): void {
  const stores = freshStores(fixture);

  it.each([
    ['a small body (one part)', 100_000],
    ['a multipart body (more than two parts)', 12 * MiB],
  ])('leaves nothing when %s fails at its very end', async (_label, size) => {
    const store = await stores.fresh();
    const error = await store.put('bad.db', failingAtEnd(size)).catch((err: unknown) => err);
    // The body's own error comes back untouched, so callers can tell integrity from storage failures.
    expect(error).toBeInstanceOf(DigestMismatch);
    await expect(store.get('bad.db')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await keysOf(store)).toEqual([]);
    expect(await incomplete(store)).toEqual([]);
  });

  it('leaves nothing when the body is destroyed half-way without an error', async () => {
    const store = await stores.fresh();
    const body = stalling(2 * MiB);
    const put = store.put('cut.db', body);
    await until('the body to be read', () => body.pulled() === 2 * MiB);
    body.destroy();
    await expect(put).rejects.toBeInstanceOf(StorageError);
    expect(await keysOf(store)).toEqual([]);
    expect(await incomplete(store)).toEqual([]);
  });

  // Not a case for a store that keeps its objects in memory by design.
  (options.inMemory ? () => undefined : it)(
    'streams a large object in bounded memory',
    async () => {
      const store = await stores.fresh();
      const total = 256 * MiB;
      let size = 0;
      const memory = await peakBufferMemory(async () => {
        size = (await store.put('big.db', generated(total))).size;
      });
      expect(size).toBe(total);
      // A store that buffered the body would hold all 256 MiB. A streaming one holds a
      // few parts (S3: queueSize + 1 reused part buffers); the bound is constant, not
      // proportional, and generous enough to absorb garbage the array-buffer sweeper has
      // not freed yet on a loaded machine.
      expect(memory.peak).toBeLessThan(96 * MiB);
      expect(await sha256(await store.get('big.db'))).toBe(digestOfGenerated(total));
      await store.delete('big.db');
      expect(await incomplete(store)).toEqual([]);
    },
    180_000,
  );

  it('refuses to start a put whose signal is already aborted', async () => {
    const store = await stores.fresh();
    const body = generated(MiB);
    const put = store.put('k', body, { signal: AbortSignal.abort() });
    await expect(put).rejects.toMatchObject({ code: 'Aborted' });
    expect(body.destroyed).toBe(true);
    expect(await keysOf(store)).toEqual([]);
  });

  it('aborts a put in progress: nothing visible, leftovers removed, body destroyed', async () => {
    const store = await stores.fresh();
    const body = stalling(7 * MiB); // more than one 5 MiB part: a multipart upload is under way
    const controller = new AbortController();
    const put = store.put('aborted.db', body, { signal: controller.signal });
    await until('the write to be under way', async () => (await incomplete(store)).length > 0);
    controller.abort();
    const error = await put.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'Aborted' });
    expect(body.destroyed).toBe(true);
    expect(await keysOf(store)).toEqual([]);
    expect(await incomplete(store)).toEqual([]);
  });

  it('aborts a get in progress with code Aborted', async () => {
    const store = await stores.fresh();
    await store.put('big.db', generated(8 * MiB));
    const controller = new AbortController();
    const stream = await store.get('big.db', { signal: controller.signal });
    const read = (async () => {
      for await (const _chunk of stream) controller.abort();
    })();
    await expect(read).rejects.toMatchObject({ code: 'Aborted' });
  });

  it('lists and aborts the leftovers of an unfinished write', async () => {
    const store = await stores.fresh();
    const body = stalling(7 * MiB);
    const put = store.put('left/over.db', body);
    put.catch(() => {}); // settled below
    await until('the write to be under way', async () => (await incomplete(store)).length > 0);
    const [item, ...others] = await incomplete(store);
    expect(others).toEqual([]);
    expect(item).toMatchObject({ key: 'left/over.db' });
    expect(typeof item!.id).toBe('string');
    expect(Math.abs(item!.initiated.getTime() - Date.now())).toBeLessThan(60_000);
    // Only leftovers older than the cut-off are reported.
    expect(await store.listIncomplete(new Date(Date.now() - 60 * 60_000))).toEqual([]);
    await store.abortIncomplete(item!);
    expect(await incomplete(store)).toEqual([]);
    await store.abortIncomplete(item!); // already gone: still success
    body.fail(new Error('source went away'));
    await expect(put).rejects.toThrow();
    expect(await keysOf(store)).toEqual([]);
    expect(await incomplete(store)).toEqual([]);
  });
}
