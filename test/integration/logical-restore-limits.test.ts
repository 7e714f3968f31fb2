// Logical restore against etcd's request limits and under concurrent writes,
// with real etcd members started with the limits under test.
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { DEFAULT_TXN_LIMITS, txnBudgetBytes } from '../../src/domain/txn-limits.js';
import { putRequestBytes } from '../../src/snapshot/restore/txn-batcher.js';
import { cliOk, logicalRestoreCli } from '../support/cli.js';
import { readAllKeys } from '../support/etcd-data.js';
import { writeK8sWorkload } from '../support/fixtures/k8s-workload.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), 'logical-limits-'));
const dest = `file://${path.join(dir, 'store')}`;
const members: EtcdServer[] = [];
const clients: Etcd3[] = [];
let source: EtcdServer;
let src: Etcd3;

async function member(name: string, ...extraArgs: string[]) {
  const m = await startEtcd({ dir: path.join(dir, name), extraArgs });
  // Reading back a keyspace with large values takes more than gRPC's default 4 MiB.
  const c = new Etcd3({
    hosts: m.endpoint,
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
  });
  members.push(m);
  clients.push(c);
  return { m, c };
}

const save = async (name: string): Promise<SnapshotManifest> =>
  JSON.parse(
    await cliOk(['save', '--endpoints', source.endpoint, '--to', dest, '--name', name, '--json']),
  ) as SnapshotManifest;

const restore = (name: string, target: EtcdServer, ...args: string[]) =>
  logicalRestoreCli(dest, name, target.endpoint, ...args);

/** A value whose put fills the default request budget exactly. */
function valueFillingBudget(key: string): Buffer {
  const budget = txnBudgetBytes(DEFAULT_TXN_LIMITS);
  let size = budget - putRequestBytes({ key: Buffer.from(key), value: Buffer.alloc(0) });
  while (putRequestBytes({ key: Buffer.from(key), value: Buffer.alloc(size) }) > budget) size--;
  return Buffer.alloc(size, 'n');
}

let near: SnapshotManifest;
let expectedNear: Map<string, string>;

beforeAll(async () => {
  mkdirSync(path.join(dir, 'store'));
  // The source accepts values larger than etcd's default limit.
  ({ m: source, c: src } = await member('source', '--max-request-bytes=4194304'));
  await writeK8sWorkload(src, 200);
  await src.put('/big/near').value(valueFillingBudget('/big/near'));
  await src.put('/big/also-near').value(Buffer.alloc(1.4 * MiB, 'a'));
  near = await save('near');
  expectedNear = await readAllKeys(src);
  await src.put('/big/over').value(Buffer.alloc(2 * MiB, 'o'));
  await save('over');
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(members.map((m) => m.stop()));
});

it('values that fill a default-sized request restore into a default etcd, each in its own transaction', async () => {
  const { m: target, c } = await member('default-target');
  const out = JSON.parse((await restore('near', target, '--json')).stdout) as {
    keys: number;
    transactions: number;
  };
  expect(await readAllKeys(c)).toEqual(expectedNear);
  expect(out.keys).toBe(expectedNear.size);
  // Full transactions: far fewer than the two keys per transaction of one per leaf page.
  expect(out.transactions).toBeLessThanOrEqual(Math.ceil(out.keys / 128) + 4);
  expect(Number(near.revision)).toBeGreaterThan(0);
});

it('a value over the limit is refused before anything changes, naming the key and the limit (exit 6)', async () => {
  const { m: target, c } = await member('refusing-target');
  await c.put('/registry/pods/prod/kept').value('local state');
  const before = await readAllKeys(c);
  const r = await restore('over', target, '--force');
  expect(r.code).toBe(6);
  expect(r.stderr).toContain('key "/big/over"');
  expect(r.stderr).toContain(`${DEFAULT_TXN_LIMITS.maxRequestBytes}-byte limit`);
  expect(r.stderr).toMatch(/nothing was changed.*--max-request-bytes/);
  expect(await readAllKeys(c)).toEqual(before);
});

it("follows a target's own limits when told them; a lower --max-txn-ops untold is a clear etcd error", async () => {
  const { m: target, c } = await member(
    'small-txn-target',
    '--max-request-bytes=4194304',
    '--max-txn-ops=16',
  );
  const untold = await restore('over', target, '--max-request-bytes', '4Mi');
  expect(untold.code).toBe(3);
  expect(untold.stderr).toMatch(
    /more operations than its --max-txn-ops: pass that value as --max-txn-ops/,
  );
  const told = await restore(
    'over',
    target,
    '--max-request-bytes',
    '4Mi',
    '--max-txn-ops',
    '16',
    '--force',
    '--json',
  );
  expect(told.code).toBe(0);
  const expected = await readAllKeys(src);
  expect(await readAllKeys(c)).toEqual(expected);
  const { transactions } = JSON.parse(told.stdout) as { transactions: number };
  expect(transactions).toBeGreaterThanOrEqual(Math.ceil(expected.size / 16));
});

it('a prefix restore touches nothing outside the prefix while other keys are written concurrently', async () => {
  const { m: target, c } = await member('busy-target');
  await writeK8sWorkload(c, 50);
  const outsideBefore = new Map(
    [...(await readAllKeys(c))].filter(([k]) => !k.startsWith('/registry/pods/')),
  );
  const prefix = '/registry/pods/';
  const written = new Map<string, string>();
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const key = i % 2 ? `/registry/configmaps/busy/cm-${i % 40}` : `/outside/${i % 40}`;
      const value = `write ${i}`;
      await c.put(key).value(value);
      written.set(key, Buffer.from(value).toString('base64'));
    }
  })();
  const r = await restore('near', target, '--prefix', prefix, '--force', '--txns-in-flight', '8');
  writing = false;
  await writer;
  expect(r.code).toBe(0);
  const after = await readAllKeys(c);
  const inside = (m: Map<string, string>) => new Map([...m].filter(([k]) => k.startsWith(prefix)));
  expect(inside(after)).toEqual(inside(expectedNear));
  expect(written.size).toBeGreaterThan(0);
  for (const [key, value] of written) expect(after.get(key)).toBe(value);
  for (const [key, value] of outsideBefore)
    if (!written.has(key)) expect(after.get(key)).toBe(value);
});
