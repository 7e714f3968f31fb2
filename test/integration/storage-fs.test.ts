import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsObjectStore, openStore, parseStoreUrl } from '../../src/storage/index.js';
import { describeObjectStoreContract } from '../support/storage/contract/object-store.contract.js';
import { collect, incomplete } from '../support/storage/contract/fixture.js';
import { MiB, stalling, until } from '../support/storage/contract/sources.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'storage-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeObjectStoreContract('filesystem', () => ({
  open: async (prefix) => openStore(parseStoreUrl(`file://${path.join(root, 'contract', prefix)}`)),
}));

describe('FsObjectStore specifics', () => {
  let n = 0;
  const dir = () => path.join(root, 'specifics', String(n++));

  it('writes owner-only files, atomically named, without leaving temp files', async () => {
    const base = dir();
    const store = new FsObjectStore(base);
    await store.putBytes('a/b.db', Buffer.from('data'));
    expect(statSync(path.join(base, 'a/b.db')).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(base, 'a'))).toEqual(['b.db']);
    expect(store.location).toBe(`file://${base}`);
  });

  it('hides temp files of writes in progress from list, and reports them as incomplete', async () => {
    const store = new FsObjectStore(dir());
    const body = stalling(MiB);
    const put = store.put('x/in-progress.db', body);
    await until('the temp file', async () => (await incomplete(store)).length === 1);
    expect(await collect(store.list(''))).toEqual([]);
    const [item] = await incomplete(store);
    expect(item!.key).toBe('x/in-progress.db');
    expect(item!.id).toMatch(/^x\/\.in-progress\.db\.tmp-[0-9a-f]{16}$/);
    body.fail(new Error('stop'));
    await expect(put).rejects.toThrow('stop');
    expect(await incomplete(store)).toEqual([]);
  });

  it('reports only leftovers older than the cut-off', async () => {
    const base = dir();
    const store = new FsObjectStore(base);
    await mkdir(path.join(base, 'd'), { recursive: true });
    const old = path.join(base, 'd/.old.db.tmp-00112233aabbccdd');
    writeFileSync(old, 'partial');
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(old, hourAgo, hourAgo);
    writeFileSync(path.join(base, 'd/.new.db.tmp-99887766aabbccdd'), 'partial');
    const items = await store.listIncomplete(new Date(Date.now() - 30 * 60_000));
    expect(items.map((i) => i.key)).toEqual(['d/old.db']);
    await store.abortIncomplete(items[0]!);
    expect(readdirSync(path.join(base, 'd'))).toEqual(['.new.db.tmp-99887766aabbccdd']);
  });

  it('refuses abortIncomplete ids that are not its temp files', async () => {
    const store = new FsObjectStore(dir());
    for (const id of ['../etc/passwd', 'a/real.db', 'a/../.x.tmp-00112233aabbccdd']) {
      await expect(store.abortIncomplete({ key: 'a', id })).rejects.toMatchObject({
        code: 'InvalidKey',
      });
    }
  });

  it('prunes directories emptied by delete, but never the base directory', async () => {
    const base = dir();
    const store = new FsObjectStore(base);
    await store.putBytes('ns/name/snap.db', Buffer.from('x'));
    await store.putBytes('ns/other.db', Buffer.from('y'));
    await store.delete('ns/name/snap.db');
    expect(readdirSync(path.join(base, 'ns'))).toEqual(['other.db']);
    await store.delete('ns/other.db');
    expect(readdirSync(base)).toEqual([]);
  });

  it('reports a key that collides with a directory or a file as InvalidKey', async () => {
    const store = new FsObjectStore(dir());
    await store.putBytes('a/b', Buffer.from('x'));
    await expect(store.putBytes('a', Buffer.from('y'))).rejects.toMatchObject({
      code: 'InvalidKey',
    });
    await expect(store.putBytes('a/b/c', Buffer.from('y'))).rejects.toMatchObject({
      code: 'InvalidKey',
    });
    expect(await incomplete(store)).toEqual([]);
  });

  it('check() passes for a base directory the first put will create', async () => {
    const store = new FsObjectStore(path.join(dir(), 'not', 'yet'));
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('check() fails with NoSuchBucket when the volume is not there', async () => {
    const store = new FsObjectStore('/nonexistent-volume-for-test/backups');
    const error = await store.check().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'NoSuchBucket' });
    expect((error as Error).message).toContain('file:///nonexistent-volume-for-test/backups');
    expect((error as Error).message).toContain('mount the volume');
  });

  it('check() fails when a path component is a file', async () => {
    const file = path.join(dir(), 'file');
    await mkdir(path.dirname(file), { recursive: true });
    writeFileSync(file, 'x');
    await expect(new FsObjectStore(path.join(file, 'sub')).check()).rejects.toMatchObject({
      code: 'NoSuchBucket',
    });
  });

  it('check() fails with AccessDenied on a directory it cannot write, as root too', async () => {
    const base = dir();
    await mkdir(base, { recursive: true, mode: 0o500 });
    // Root ignores a directory's mode: a read-only bind mount stops root as well (EROFS).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      execFileSync('mount', ['--bind', base, base]);
      execFileSync('mount', ['-o', 'remount,bind,ro', base]);
    }
    try {
      await expect(new FsObjectStore(base).check()).rejects.toMatchObject({ code: 'AccessDenied' });
    } finally {
      if (asRoot) execFileSync('umount', [base]);
    }
  });
});
