// Resetting an etcd to the same snapshot over and over, as a test suite does:
// without compaction the target keeps every deleted and overwritten value and
// grows until its quota (NOSPACE); with --compact it stays the size of one restore.
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { cli, logicalRestoreCli } from '../support/cli.js';
import { readAllKeys, settledDbSize as dbSize } from '../support/etcd-data.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';

const MiB = 1024 * 1024;
const RESETS = 50;
const dir = mkdtempSync(path.join(os.tmpdir(), 'logical-reset-'));
const dest = `file://${path.join(dir, 'store')}`;
const members: EtcdServer[] = [];
const clients: Etcd3[] = [];
let expected: Map<string, string>;

async function member(name: string, ...extraArgs: string[]) {
  const m = await startEtcd({ dir: path.join(dir, name), extraArgs });
  const c = new Etcd3({ hosts: m.endpoint });
  members.push(m);
  clients.push(c);
  return { m, c };
}

const reset = (target: EtcdServer, ...args: string[]) =>
  logicalRestoreCli(dest, 'fixture', target.endpoint, '--force', ...args);

beforeAll(async () => {
  mkdirSync(path.join(dir, 'store'));
  const { m: source, c: src } = await member('source');
  // About 4 MiB of values: 2,000 keys of 2 KiB under a few prefixes.
  for (let i = 0; i < 2000; i += 100) {
    const ops = Array.from({ length: 100 }, (_, j) => ({
      request_put: {
        key: Buffer.from(`/registry/configmaps/ns-${(i + j) % 7}/cm-${i + j}`),
        value: Buffer.alloc(2048, `${i + j}`),
      },
    }));
    await src.kv.txn({ compare: [], success: ops, failure: [] });
  }
  expected = await readAllKeys(src);
  const r = await cli(['save', '--endpoints', source.endpoint, '--to', dest, '--name', 'fixture']);
  expect(r.code).toBe(0);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(members.map((m) => m.stop()));
});

it(`${RESETS} resets with --compact keep the target within 1.5x of one restore; without, it grows`, async () => {
  const compacted = await member('compacted');
  const plain = await member('plain');
  const sizes = { compacted: [] as number[], plain: [] as number[] };
  for (let i = 0; i < RESETS; i++) {
    const a = await reset(compacted.m, '--compact');
    const b = await reset(plain.m);
    expect({ a: a.code, b: b.code, stderr: a.stderr + b.stderr }).toEqual({
      a: 0,
      b: 0,
      stderr: '',
    });
    // Reading a settled size takes a few hundred ms: every 10th reset is enough to see the trend.
    if (i % 10 === 0 || i === RESETS - 1) {
      sizes.compacted.push(await dbSize(compacted.c));
      sizes.plain.push(await dbSize(plain.c));
    }
  }
  expect(await readAllKeys(compacted.c)).toEqual(expected);
  expect(await readAllKeys(plain.c)).toEqual(expected);
  // A single restore: the compacted target's first, into an empty etcd.
  const [first] = sizes.compacted;
  expect(Math.max(...sizes.compacted)).toBeLessThanOrEqual(1.5 * first!);
  // Every reset leaves the previous values behind: the plain target grows with each one.
  expect(sizes.plain.at(-1)!).toBeGreaterThan(10 * sizes.plain[0]!);
  process.stdout.write(
    `reset loop: one restore ${(first! / MiB).toFixed(1)} MiB; after ${RESETS} resets ${(sizes.compacted.at(-1)! / MiB).toFixed(1)} MiB with --compact, ${(sizes.plain.at(-1)! / MiB).toFixed(1)} MiB without\n`,
  );
});

it('a target that hit its quota (NOSPACE) fails with a reason that names the fix; --compact recovers it', async () => {
  const { m: target, c } = await member('quota', `--quota-backend-bytes=${24 * MiB}`);
  let failure: Awaited<ReturnType<typeof reset>> | undefined;
  for (let i = 0; i < 20 && !failure; i++) {
    const r = await reset(target);
    if (r.code !== 0) failure = r;
  }
  expect(failure?.code).toBe(3);
  expect(failure?.stderr).toMatch(/out of space .*NOSPACE alarm.*--compact/);
  const recovered = await reset(target, '--compact');
  expect(recovered.code).toBe(0);
  expect(recovered.stdout).toMatch(
    /compacted to revision \d+ and defragmented before writing: .*NOSPACE alarm disarmed/,
  );
  expect(await readAllKeys(c)).toEqual(expected);
  await c.put('/after/recovery').value('writable again');
  const { alarms } = await c.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' });
  expect(alarms).toEqual([]);
});

it('--dry-run with --compact says it would compact and changes nothing', async () => {
  const { m: target, c } = await member('dry');
  await c.put('/registry/configmaps/ns-1/local').value('keep');
  const before = {
    keys: await readAllKeys(c),
    revision: (await c.maintenance.status()).header.revision,
  };
  const r = await reset(target, '--compact', '--dry-run');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(
    'would then compact the target to its current revision and defragment it',
  );
  expect(await readAllKeys(c)).toEqual(before.keys);
  expect((await c.maintenance.status()).header.revision).toBe(before.revision);
});
