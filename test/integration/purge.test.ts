import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { purgeBackup } from '../../src/snapshot/catalog/purge.js';
import { FsObjectStore } from '../../src/storage/index.js';

it("purgeBackup removes every object of one backup and nothing of another's", async () => {
  const store = new FsObjectStore(mkdtempSync(path.join(os.tmpdir(), 'purge-')));
  const keys = [
    'prod/20260301T120000Z-r00000000000000000042.db.zst',
    'prod/20260301T120000Z-r00000000000000000042.db.zst.manifest.json',
    'prod/20260302T120000Z-r00000000000000000099.db.zst',
    'prod-eu/20260301T120000Z-r00000000000000000007.db.zst',
    'staging/20260301T120000Z-r00000000000000000001.db',
  ];
  for (const key of keys) await store.put(key, Readable.from([Buffer.from(key)]));
  expect(await purgeBackup(store, 'prod')).toEqual({ removed: 3 });
  const left: string[] = [];
  for await (const o of store.list('')) left.push(o.key);
  expect(left.sort()).toEqual([keys[3], keys[4]]);
  await store.close();
});
