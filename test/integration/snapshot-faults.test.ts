import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { Etcd3 } from 'etcd3';
import type { EtcdSnapshotSource } from '../../src/etcd/etcd-source.js';
import { Etcd3SnapshotSource } from '../../src/etcd/etcd3-source.js';
import { readCatalog } from '../../src/snapshot/catalog/catalog.js';
import { pruneSnapshots } from '../../src/snapshot/catalog/prune.js';
import { saveSnapshot, type SaveOptions } from '../../src/snapshot/pipeline/save.js';
import { openStore, parseStoreUrl, type ObjectStore } from '../../src/storage/index.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { createBucket, startVersityGw, type S3Server } from '../support/testbed/versitygw.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-'));
let s3: S3Server;
let etcd: EtcdServer;

function storeFor(server: S3Server, partSizeMiB = 5): ObjectStore {
  const url = `s3://faults/p?endpoint=${server.endpoint}&region=${server.region}&pathStyle=true&partSizeMiB=${partSizeMiB}`;
  return openStore(parseStoreUrl(url), {
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
  });
}

/** Fault injection on the real stream: one byte flipped in transit after `offset`. */
function corrupting(inner: EtcdSnapshotSource, offset: number): EtcdSnapshotSource {
  return {
    pickMember: () => inner.pickMember(),
    close: () => inner.close(),
    async openSnapshot(signal) {
      const snap = await inner.openSnapshot(signal);
      let seen = 0;
      const flip = new Transform({
        transform(chunk: Buffer, _e, done) {
          if (seen <= offset && seen + chunk.length > offset) {
            chunk = Buffer.from(chunk);
            chunk[offset - seen]! ^= 0x01;
          }
          seen += chunk.length;
          done(null, chunk);
        },
      });
      snap.bytes.on('error', (err) => flip.destroy(err));
      return { ...snap, bytes: snap.bytes.pipe(flip) };
    },
  };
}

/** Nothing of `name` is visible, committed or left half-uploaded. */
async function expectNothingStored(store: ObjectStore, name: string): Promise<void> {
  const catalog = await readCatalog(store, name);
  expect(catalog.snapshots).toEqual([]);
  expect(catalog.incomplete).toEqual([]);
  const keys: string[] = [];
  for await (const o of store.list(`${name}/`)) keys.push(o.key);
  expect(keys).toEqual([]);
}

function options(
  store: ObjectStore,
  name: string,
  source: EtcdSnapshotSource,
  extra: Partial<SaveOptions> = {},
): SaveOptions {
  return {
    source,
    store,
    name,
    compression: 'none',
    recipients: [],
    now: () => new Date(),
    ...extra,
  };
}

beforeAll(async () => {
  [s3, etcd] = await Promise.all([
    startVersityGw({ dir: path.join(dir, 's3') }),
    startEtcd({ dir: path.join(dir, 'etcd') }),
  ]);
  await createBucket(s3, 'faults');
  // ~40 MiB of incompressible-ish values: large enough to interrupt mid-stream.
  const e = new Etcd3({ hosts: etcd.endpoint });
  const value = Buffer.alloc(400_000);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < value.length; j += 4)
      value.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, j);
    await e.put(`/registry/configmaps/big/cm-${i}`).value(value);
  }
  e.close();
});

afterAll(async () => {
  await Promise.all([s3?.stop(), etcd?.stop()]);
});

it('a digest mismatch fails the save and leaves no object, manifest or multipart upload', async () => {
  const store = storeFor(s3);
  const source = corrupting(new Etcd3SnapshotSource({ endpoints: [etcd.endpoint] }), 12_345_678);
  await expect(saveSnapshot(options(store, 'corrupt', source))).rejects.toMatchObject({
    name: 'DigestError',
    code: 'DigestMismatch',
  });
  await expectNothingStored(store, 'corrupt');
  expect(await store.listIncomplete(new Date(Date.now() + 3_600_000))).toEqual([]);
  await source.close();
  await store.close();
});

it('etcd killed mid-stream fails the save and leaves nothing visible', async () => {
  const victim = await startEtcd({
    dir: path.join(dir, 'victim'),
    dataDir: path.join(dir, 'victim-data'),
  });
  const e = new Etcd3({ hosts: victim.endpoint });
  const value = Buffer.alloc(500_000, 7);
  for (let i = 0; i < 60; i++)
    await e.put(`/k/${i}`).value(Buffer.concat([value, Buffer.from(String(i))]));
  e.close();
  const store = storeFor(s3);
  const source = new Etcd3SnapshotSource({ endpoints: [victim.endpoint] });
  let killed = false;
  const save = saveSnapshot(
    options(store, 'killed', source, {
      onProgress: (p) => {
        if (!killed && p.rawBytes > 4 << 20) {
          killed = true;
          void victim.process.kill();
        }
      },
    }),
  );
  await expect(save).rejects.toThrow();
  expect(killed).toBe(true);
  await expectNothingStored(store, 'killed');
  expect(await store.listIncomplete(new Date(Date.now() + 3_600_000))).toEqual([]);
  await source.close();
  await store.close();
});

it('S3 stopped mid-upload fails the save; nothing visible; prune aborts the leftover upload later', async () => {
  const s3dir = path.join(dir, 's3-victim');
  const victim = await startVersityGw({ dir: s3dir });
  await createBucket(victim, 'faults');
  const store = storeFor(victim);
  const source = new Etcd3SnapshotSource({ endpoints: [etcd.endpoint] });
  let stopped = false;
  const save = saveSnapshot(
    options(store, 'cut', source, {
      onProgress: (p) => {
        if (!stopped && p.storedBytes > 12 << 20) {
          stopped = true;
          void victim.process.kill();
        }
      },
    }),
  );
  await expect(save).rejects.toMatchObject({ name: 'StorageError' });
  await source.close();
  await store.close();
  // The same bucket directory served again (new port): nothing committed.
  const again = await startVersityGw({
    dir: s3dir,
    accessKeyId: victim.accessKeyId,
    secretAccessKey: victim.secretAccessKey,
  });
  const store2 = storeFor(again);
  try {
    await expectNothingStored(store2, 'cut');
    const leftovers = await store2.listIncomplete(new Date(Date.now() + 3_600_000));
    expect(leftovers.map((u) => u.key)).toEqual([expect.stringMatching(/^cut\/.*\.db$/)]);
    const report = await pruneSnapshots({
      store: store2,
      name: 'cut',
      policy: { keepLast: 1 },
      now: new Date(),
      dryRun: false,
      incompleteGraceMs: 0,
    });
    expect(report.removed).toEqual([]);
    expect(report.incompleteRemoved).toEqual([expect.stringContaining(leftovers[0]!.id)]);
    expect(await store2.listIncomplete(new Date(Date.now() + 3_600_000))).toEqual([]);
  } finally {
    await store2.close();
    await again.stop();
  }
});
