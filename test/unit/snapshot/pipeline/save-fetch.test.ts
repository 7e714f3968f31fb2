import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { COMPRESSIONS } from '../../../../src/api/v1alpha1/index.js';
import { readCatalog } from '../../../../src/snapshot/catalog/catalog.js';
import { fetchSnapshot } from '../../../../src/snapshot/pipeline/fetch.js';
import { saveSnapshot } from '../../../../src/snapshot/pipeline/save.js';
import { MemoryBucket } from '../../../support/storage/memory-store.js';
import { DATABASE, FakeSource } from '../../agent/fixtures.js';

/**
 * The save and fetch pipeline end to end, in memory: etcd stand-in -> trailer
 * check -> compress -> encrypt -> store, and back. The real stores run the same
 * paths in test/integration; this covers every codec combination in milliseconds.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'save-fetch-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const now = () => new Date('2026-03-01T06:00:00Z');

describe('saveSnapshot and fetchSnapshot over an in-memory store', () => {
  it.each(COMPRESSIONS.flatMap((c) => [[c, false] as const, [c, true] as const]))(
    '%s, encrypted %s: the manifest commits a verified object that fetches back byte for byte',
    async (compression, encrypted) => {
      const identity = await generateIdentity();
      const recipients = encrypted ? [await identityToRecipient(identity)] : [];
      const store = new MemoryBucket().open('clusters/');
      const manifest = await saveSnapshot({
        source: new FakeSource(),
        store,
        name: 'nightly',
        compression,
        recipients,
        now,
      });
      const catalog = await readCatalog(store, 'nightly');
      expect(catalog.snapshots.map((s) => s.manifest.key)).toEqual([manifest.key]);
      // The manifest's stored digest is the stored object's, however it is computed.
      const object = await store.getBytes(manifest.key);
      expect(manifest.stored).toEqual({ sha256: sha256(object), size: object.length });
      const file = path.join(dir, 'restored.db');
      const fetched = await fetchSnapshot({ store, manifest, identities: [identity], file });
      const trailer = createHash('sha256').update(DATABASE).digest();
      expect(readFileSync(file).equals(Buffer.concat([DATABASE, trailer]))).toBe(true);
      expect(fetched.sha256).toBe(sha256(DATABASE));
    },
  );

  it('a snapshot whose trailer does not match leaves nothing in the store', async () => {
    const store = new MemoryBucket().open('clusters/');
    await expect(
      saveSnapshot({
        source: new FakeSource({ corruptTrailer: true }),
        store,
        name: 'nightly',
        compression: 'zstd',
        recipients: [],
        now,
      }),
    ).rejects.toThrow(/digest mismatch/);
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys).toEqual([]);
    expect(await store.listIncomplete(new Date(Date.now() + 60_000))).toEqual([]);
  });
});
