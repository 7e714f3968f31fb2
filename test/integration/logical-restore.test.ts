import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Etcd3 } from 'etcd3';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { cli, cliOk, logicalRestoreCli } from '../support/cli.js';
import { whileDamaged } from '../support/damaged-file.js';
import { readAllKeys } from '../support/etcd-data.js';
import { startEtcdPair, type EtcdPair } from '../support/etcd-pair.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import type { EtcdServer } from '../support/testbed/etcd.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'logical-'));
const dest = `file://${path.join(dir, 'store')}`;
let pair: EtcdPair;
let target: EtcdServer;
let src: Etcd3;
let dst: Etcd3;
let manifest: SnapshotManifest;
let atSnapshot: Map<string, string>;

beforeAll(async () => {
  mkdirSync(path.join(dir, 'store'));
  pair = await startEtcdPair(dir, 300);
  ({ target, src, dst } = pair);
  manifest = await pair.save(dest, 'logical');
  atSnapshot = await readAllKeys(src, manifest.revision);
  // History after the snapshot must not leak into a restore.
  await src.put('/registry/pods/prod/after-snapshot').value('new');
  await src.delete().key([...atSnapshot.keys()][5]!);
});

afterAll(() => pair?.stop());

const restore = (...args: string[]) => logicalRestoreCli(dest, 'logical', target.endpoint, ...args);

it('inspect of a file agrees with etcdutl snapshot status', async () => {
  const file = path.join(dir, 'inspect.db');
  await cliOk(['get', '--from', dest, '--name', 'logical', '-o', file]);
  const ours = JSON.parse(await cliOk(['inspect', file, '--json'])) as Record<string, number>;
  const theirs = JSON.parse(
    execFileSync(resolveBinary('etcdutl'), ['snapshot', 'status', file, '-w', 'json'], {
      encoding: 'utf8',
    }),
  ) as Record<string, number>;
  expect({
    hash: ours.hash,
    revision: ours.revision,
    totalKey: ours.totalKey,
    totalSize: ours.totalSize,
  }).toEqual({
    hash: theirs.hash,
    revision: theirs.revision,
    totalKey: theirs.totalKey,
    totalSize: theirs.totalSize,
  });
  const human = await cliOk(['inspect', file]);
  expect(human).toMatch(/RESOURCE\s+KEYS\s+BYTES/);
  expect(human).toMatch(/\bpods\s+\d+/);
  expect(await cliOk(['verify', '--from', dest, '--name', 'logical'])).toMatch(
    /^OK .* matches; \d+ reachable pages/,
  );
});

it('restores every key at the snapshot revision into an empty etcd, nothing after it', async () => {
  const out = await cliOk([
    'restore',
    '--logical',
    '--from',
    dest,
    '--name',
    'logical',
    '--endpoints',
    target.endpoint,
  ]);
  expect(out).toMatch(/restored \d+ key\(s\)/);
  expect(await readAllKeys(dst)).toEqual(atSnapshot);
});

it('refuses a non-empty target without --force and changes nothing (exit 6)', async () => {
  await dst.put('/registry/pods/prod/local-change').value('keep me');
  const before = await readAllKeys(dst);
  const r = await restore();
  expect(r.code).toBe(6);
  expect(r.stderr).toMatch(
    /already has \d+ key\(s\) under the whole keyspace; nothing was changed. Re-run with --force/,
  );
  expect(await readAllKeys(dst)).toEqual(before);
});

it('--dry-run reports what would change and changes nothing', async () => {
  const before = await readAllKeys(dst);
  const r = await restore('--dry-run');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`would delete ${before.size} key(s) in the whole keyspace`);
  expect(r.stdout).toContain(`would write ${atSnapshot.size} key(s)`);
  expect(await readAllKeys(dst)).toEqual(before);
});

it('--prefix replaces only that range; --force gives consent', async () => {
  await dst.put('/other/keep').value('outside the prefix');
  const prefix = '/registry/pods/';
  const r = await restore('--prefix', prefix, '--force');
  expect(r.stderr).toBe('');
  const after = await readAllKeys(dst);
  const pick = (m: Map<string, string>, inside: boolean) =>
    new Map([...m].filter(([k]) => k.startsWith(prefix) === inside));
  expect(pick(after, true)).toEqual(pick(atSnapshot, true));
  expect(after.get('/other/keep')).toBe(Buffer.from('outside the prefix').toString('base64'));
  expect(after.has('/registry/pods/prod/local-change')).toBe(false);
});

it('a tampered stored snapshot is refused before the target is touched (exit 5)', async () => {
  const before = await readAllKeys(dst);
  await whileDamaged(path.join(dir, 'store', manifest.key), async () => {
    const r = await restore('--force');
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 5,
      stderr: expect.stringMatching(/sha256|digest|damaged/),
    });
    expect(await readAllKeys(dst)).toEqual(before);
    const v = await cli(['verify', '--from', dest, '--name', 'logical']);
    expect(v.code).toBe(5);
  });
});
