import { Readable } from 'node:stream';
import { StorageError } from '../../../../src/storage/index.js';
import { type ContractFixture, collect, freshStores, keysOf } from './fixture.js';
import { digestOfGenerated, generated, sha256 } from './sources.js';

/** Round trips, listing, prefixes and keys: what every ObjectStore must do on the happy path. */
export function basicsContract(fixture: () => ContractFixture): void {
  const stores = freshStores(fixture);

  it('round-trips a streamed object: put, get, getBytes, list, delete', async () => {
    const store = await stores.fresh();
    const started = Date.now();
    const put = await store.put('snapshots/one.db', generated(300_000));
    expect(put).toEqual({ key: 'snapshots/one.db', size: 300_000 });
    expect(await sha256(await store.get('snapshots/one.db'))).toBe(digestOfGenerated(300_000));
    expect((await store.getBytes('snapshots/one.db')).length).toBe(300_000);
    const [info, ...rest] = await collect(store.list(''));
    expect(rest).toEqual([]);
    expect(info).toMatchObject({ key: 'snapshots/one.db', size: 300_000 });
    // S3 stores whole seconds: allow for the truncation.
    expect(info!.lastModified.getTime()).toBeGreaterThanOrEqual(started - 2_000);
    expect(info!.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
    await store.delete('snapshots/one.db');
    await expect(store.get('snapshots/one.db')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await keysOf(store)).toEqual([]);
  });

  it('stores small objects with putBytes, including empty ones', async () => {
    const store = await stores.fresh();
    const json = Buffer.from(JSON.stringify({ revision: 42 }));
    expect(await store.putBytes('m.json', json, { contentType: 'application/json' })).toEqual({
      key: 'm.json',
      size: json.length,
    });
    expect((await store.getBytes('m.json')).equals(json)).toBe(true);
    expect(await store.putBytes('empty', new Uint8Array(0))).toEqual({ key: 'empty', size: 0 });
    expect((await store.getBytes('empty')).length).toBe(0);
    expect(await store.put('empty-stream', Readable.from([]))).toEqual({
      key: 'empty-stream',
      size: 0,
    });
  });

  it('replaces an object on a second put', async () => {
    const store = await stores.fresh();
    await store.putBytes('k', Buffer.from('first'));
    await store.putBytes('k', Buffer.from('second'));
    expect((await store.getBytes('k')).toString()).toBe('second');
    expect(await keysOf(store)).toEqual(['k']);
  });

  it('lists nested keys by plain string prefix, in key order', async () => {
    const store = await stores.fresh();
    const keys = ['b/1', 'a/2', 'a-x', 'a/b/3', 'a/1', 'ab'];
    for (const key of keys) await store.putBytes(key, Buffer.from(key));
    expect(await keysOf(store)).toEqual(['a-x', 'a/1', 'a/2', 'a/b/3', 'ab', 'b/1']);
    expect(await keysOf(store, 'a/')).toEqual(['a/1', 'a/2', 'a/b/3']);
    expect(await keysOf(store, 'a')).toEqual(['a-x', 'a/1', 'a/2', 'a/b/3', 'ab']);
    expect(await keysOf(store, 'a/b/')).toEqual(['a/b/3']);
    expect(await keysOf(store, 'a/b')).toEqual(['a/b/3']);
    expect(await keysOf(store, 'nothing/')).toEqual([]);
  });

  it('lists every page', async () => {
    const store = await stores.fresh({ listPageSize: 7 });
    const keys = Array.from({ length: 30 }, (_, i) => `many/${String(i).padStart(3, '0')}`);
    await Promise.all(keys.map((key) => store.putBytes(key, Buffer.from(key))));
    expect(await keysOf(store, 'many/')).toEqual(keys);
  });

  it('keeps keys relative to the base prefix: stores on sibling prefixes do not see each other', async () => {
    const root = stores.unique('iso');
    const one = await stores.open(`${root}/one`);
    const onePlus = await stores.open(`${root}/one-plus`);
    const parent = await stores.open(root);
    await one.putBytes('k', Buffer.from('one'));
    await onePlus.putBytes('k', Buffer.from('one-plus'));
    expect(await keysOf(one)).toEqual(['k']);
    expect(await keysOf(onePlus)).toEqual(['k']);
    expect((await one.getBytes('k')).toString()).toBe('one');
    expect(await keysOf(parent)).toEqual(['one-plus/k', 'one/k'].sort());
    expect((await parent.getBytes('one/k')).toString()).toBe('one');
    await one.delete('k');
    expect((await onePlus.getBytes('k')).toString()).toBe('one-plus');
  });

  it('treats deleting a missing key as success', async () => {
    const store = await stores.fresh();
    await store.delete('never/was');
    await store.putBytes('x', Buffer.from('x'));
    await store.delete('x');
    await store.delete('x');
    expect(await keysOf(store)).toEqual([]);
  });

  it('fails get and getBytes of a missing key with NotFound', async () => {
    const store = await stores.fresh();
    await store.putBytes('dir/present', Buffer.from('x'));
    for (const key of ['absent', 'dir', 'dir/absent']) {
      const error = await store.get(key).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: 'NotFound' });
      await expect(store.getBytes(key)).rejects.toMatchObject({ code: 'NotFound' });
    }
  });

  it('rejects keys that are not relative and normalised', async () => {
    const store = await stores.fresh();
    const bad = [
      '',
      '/abs',
      'a/../b',
      './a',
      'a//b',
      'a/',
      'a\u0000b',
      'x/.name.tmp-0123456789abcdef',
    ];
    for (const key of bad) {
      await expect(store.putBytes(key, Buffer.from('x'))).rejects.toMatchObject({
        code: 'InvalidKey',
      });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'InvalidKey' });
      await expect(store.delete(key)).rejects.toMatchObject({ code: 'InvalidKey' });
    }
    await expect(collect(store.list('../'))).rejects.toMatchObject({ code: 'InvalidKey' });
    const body = generated(1000);
    await expect(store.put('../escape', body)).rejects.toMatchObject({ code: 'InvalidKey' });
    expect(body.destroyed).toBe(true);
  });

  it('passes check() when the destination is usable', async () => {
    const store = await stores.fresh();
    await expect(store.check()).resolves.toBeUndefined();
    expect(store.location).toMatch(/^(s3|file|memory):\/\//);
  });
}
