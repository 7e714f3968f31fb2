import { f64, i32 } from '../../../../src/snapshot/inspect/columns.js';
import { inspectSnapshot } from '../../../../src/snapshot/inspect/inspect.js';
import { KeyClasses, OTHER_CLASS } from '../../../../src/snapshot/inspect/key-classes.js';
import { hashKey, newKeyHash, type KeyHash } from '../../../../src/snapshot/inspect/key-hash.js';
import { PageRecords } from '../../../../src/snapshot/inspect/page-record.js';
import type { KeyHasher } from '../../../../src/snapshot/inspect/revision-columns.js';
import { scanInto } from '../../../../src/snapshot/inspect/scanner.js';
import type { SnapshotSummary } from '../../../../src/snapshot/inspect/types.js';
import { buildImage, memoryReader } from '../../../support/fixtures/bbolt-image.js';
import {
  encodeKeyValue,
  etcdRoot,
  revisionKey,
  type Put,
} from '../../../support/fixtures/etcd-records.js';

function scanWith(bytes: Buffer, hasher: KeyHasher): SnapshotSummary {
  const scanner = scanInto(new PageRecords('/registry', hasher));
  for (let i = 0; i < bytes.length; i += 4096) scanner.write(bytes.subarray(i, i + 4096));
  return scanner.finish();
}

/** Puts, updates and deletes over keys of equal length in a few classes. */
const ops: Put[] = Array.from({ length: 300 }, (_, i) => ({
  key: `/registry/${i % 3 === 0 ? 'pods' : 'secrets'}/ns${i % 4}/k${String(i % 97).padStart(3, '0')}`,
  value: i % 7 === 0 ? undefined : 'v'.repeat(1 + (i % 50)),
}));

describe('Column', () => {
  it('holds values across chunks, reads zero where extended, and rolls back', () => {
    const column = f64();
    for (let i = 0; i < 40_000; i++) column.push(i * 1.5);
    expect([column.get(0), column.get(16_384), column.get(39_999)]).toEqual([0, 24_576, 59_998.5]);
    column.truncate(16_385);
    column.push(-1);
    expect([column.length, column.get(16_384), column.get(16_385)]).toEqual([16_386, 24_576, -1]);
    const byPage = i32();
    byPage.extend(20_000);
    expect([byPage.length, byPage.get(19_999)]).toEqual([20_000, 0]);
  });
});

describe('hashKey', () => {
  it('gives 50k similar keys distinct 64-bit fingerprints, and the same key the same one', () => {
    const seen = new Set<string>();
    const lows = new Set<number>();
    const out = newKeyHash();
    for (let i = 0; i < 50_000; i++) {
      const key = Buffer.from(`/registry/pods/ns${i % 10}/pod-${i}`);
      hashKey(key, 0, key.length, out);
      seen.add(`${out.lo}:${out.hi}`);
      lows.add(out.lo);
    }
    expect(seen.size).toBe(50_000);
    expect(lows.size).toBeGreaterThan(49_990);
    const a: KeyHash = newKeyHash();
    const b: KeyHash = newKeyHash();
    const buf = Buffer.from('xx/registry/a/b');
    hashKey(buf, 2, buf.length, a);
    hashKey(Buffer.from('/registry/a/b'), 0, 13, b);
    expect(a).toEqual(b);
  });
});

describe('KeyClasses', () => {
  it('interns each (resource, namespace) pair once, with class 0 for keys outside the prefix', () => {
    const classes = new KeyClasses('/registry');
    const ids = [
      '/registry/pods/a/p1',
      '/registry/pods/a/p2',
      '/registry/pods/b/p1',
      '/registry/nodes/n1',
      '/registry/nodes/n2',
      '/registry/example.com/widgets/a/w',
      '/other/key',
    ].map((k) => classes.classify(k));
    expect(ids).toEqual([1, 1, 2, 3, 3, 4, OTHER_CLASS]);
    const tally = classes.tally();
    tally.add(ids[0]!, 10, 0);
    tally.add(ids[2]!, 5, 1);
    tally.add(ids[6]!, 1, 2);
    expect(tally.usage()).toEqual({
      live: { keys: 3, bytes: 16 },
      resources: [{ prefix: 'pods', resource: 'pods', group: '', keys: 2, bytes: 15 }],
      namespaces: [
        { namespace: 'a', keys: 1, bytes: 10 },
        { namespace: 'b', keys: 1, bytes: 5 },
      ],
      other: { keys: 1, bytes: 1 },
    });
  });
});

describe('the scanner when key fingerprints collide', () => {
  const image = buildImage(etcdRoot(ops, { perLeaf: 7 }), { pageSize: 1024 });
  let expected: SnapshotSummary;
  beforeAll(async () => {
    expected = await inspectSnapshot(memoryReader(image.bytes), image.bytes.length);
  });

  it('still tells keys apart when every low half is equal (one long probe chain)', () => {
    const sameLow: KeyHasher = (buf, start, end, out) => {
      hashKey(buf, start, end, out);
      out.lo = 0;
    };
    expect(scanWith(image.bytes, sameLow)).toEqual(expected);
  });

  it('still tells keys apart by length and class when the whole fingerprint is equal', () => {
    const constant: KeyHasher = (_buf, _start, _end, out) => {
      out.lo = 7;
      out.hi = 7;
    };
    const distinct: Put[] = ops.map((op, i) => ({
      key: `/registry/${['pods', 'secrets', 'nodes'][i % 3]}/ns${i % 4}/${'k'.repeat(1 + (i % 25))}`,
      value: op.value,
    }));
    const bytes = buildImage(etcdRoot(distinct, { perLeaf: 7 }), { pageSize: 1024 }).bytes;
    return inspectSnapshot(memoryReader(bytes), bytes.length).then((file) => {
      expect(file.totalKey).toBeGreaterThan(50);
      expect(scanWith(bytes, constant)).toEqual(file);
    });
  });
});

it('orders resources whose names decode to the same UTF-8 as the file reader does', async () => {
  // \xff/x enters the live set first, leaves, and comes back after \xfe's keys.
  const revisions: Array<[string, boolean]> = [
    ['/registry/\xff/ns/x', false],
    ['/registry/\xff/ns/x', true],
    ['/registry/\xfe/ns/b', false],
    ['/registry/\xfe/ns/c', false],
    ['/registry/\xff/ns/x', false],
  ];
  const entries = revisions.map(([key, tombstone], i): [Buffer, Buffer] => [
    revisionKey(2 + i, 0, tombstone),
    encodeKeyValue({ key: Buffer.from(key, 'latin1'), value: tombstone ? undefined : 'v' }),
  ]);
  const bytes = buildImage(etcdRoot([], { entries })).bytes;
  const file = await inspectSnapshot(memoryReader(bytes), bytes.length);
  expect(file.resources.map((r) => [r.prefix, r.keys])).toEqual([
    ['\ufffd', 2],
    ['\ufffd', 1],
  ]);
  expect(scanWith(bytes, hashKey)).toEqual(file);
});
