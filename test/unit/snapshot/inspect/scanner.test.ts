import { SnapshotFormatError } from '../../../../src/bbolt/errors.js';
import { inspectSnapshot } from '../../../../src/snapshot/inspect/inspect.js';
import {
  createSnapshotScanner,
  type ScannerOptions,
} from '../../../../src/snapshot/inspect/scanner.js';
import type { SnapshotSummary } from '../../../../src/snapshot/inspect/types.js';
import {
  buildImage,
  memoryReader,
  type BucketSpec,
  type ImageOptions,
} from '../../../support/fixtures/bbolt-image.js';
import { etcdRoot, type Put } from '../../../support/fixtures/etcd-records.js';
import { mutations } from '../../../support/fixtures/mutations.js';

function scan(bytes: Buffer, chunk: number, options: ScannerOptions = {}): SnapshotSummary {
  const scanner = createSnapshotScanner(options);
  for (let i = 0; i < bytes.length; i += chunk) scanner.write(bytes.subarray(i, i + chunk));
  return scanner.finish();
}

const ops: Put[] = Array.from({ length: 120 }, (_, i) => ({
  key: i % 11 === 0 ? `/other/${i}` : `/registry/secrets/ns${i % 4}/s${i % 90}`,
  value: i % 13 === 0 ? undefined : 'v'.repeat(i % 30 === 0 ? 5000 : i),
}));
const nested: BucketSpec = {
  entries: [
    ...etcdRoot(ops).entries,
    [
      'zeta',
      {
        entries: [
          ['a', '1'],
          ['n', { entries: [['x', 'y']] }],
        ],
        perLeaf: 1,
      },
    ],
  ],
};

describe('createSnapshotScanner', () => {
  it('without the content hash, summarises the same and leaves hash 0', async () => {
    const image = buildImage(etcdRoot(ops, { perLeaf: 4, perBranch: 3 }));
    const full = scan(image.bytes, 4096);
    expect(full.hash).not.toBe(0);
    expect(scan(image.bytes, 4096, { contentHash: false })).toEqual({ ...full, hash: 0 });
  });

  it.each<[string, BucketSpec, ImageOptions]>([
    ['branch, overflow and inline pages', etcdRoot(ops, { perLeaf: 4, perBranch: 3 }), {}],
    [
      '1 KiB pages, stale pages and a freelist',
      etcdRoot(ops, { perLeaf: 6 }),
      { pageSize: 1024, stalePages: 4, freePages: [] },
    ],
    ['no trailer', etcdRoot(ops), { trailer: false }],
    ['a nested bucket in a paged top-level bucket', nested, {}],
  ])(
    'summarises %s exactly as the file reader does, whatever the chunk size',
    async (_name, root, options) => {
      let image = buildImage(root, options);
      if (options.freePages) {
        const stale = Array.from(
          { length: options.stalePages ?? 0 },
          (_, i) => image.pgid - 1 - (options.stalePages ?? 0) + i,
        );
        image = buildImage(root, { ...options, freePages: stale });
      }
      const expected = await inspectSnapshot(memoryReader(image.bytes), image.bytes.length);
      for (const chunk of [1, 13, 4096, 65_536, image.bytes.length]) {
        expect(scan(image.bytes, chunk)).toEqual(expected);
      }
    },
  );

  it('leaves the trailer unchecked when told the pipeline checks it', () => {
    const image = buildImage(etcdRoot(ops));
    expect(scan(image.bytes, 4096, { checkDigest: false }).trailer).toMatchObject({
      present: true,
      valid: null,
    });
  });

  it.each<[string, Buffer, string]>([
    ['an empty stream', Buffer.alloc(0), 'Truncated'],
    ['a stream of zeros', Buffer.alloc(100_000), 'BadMagic'],
    [
      'a stream cut after the meta pages',
      buildImage(etcdRoot(ops)).bytes.subarray(0, 8192),
      'Truncated',
    ],
  ])('fails on %s with SnapshotFormatError', (_name, bytes, code) => {
    expect(() => scan(bytes, 1000)).toThrow(expect.objectContaining({ code }));
  });

  it('agrees with the file reader on 300 corrupted images: same summary whenever the file reader succeeds', async () => {
    const image = buildImage(etcdRoot(ops, { perLeaf: 4, perBranch: 3 }), { pageSize: 1024 });
    const outcomes = new Map<string, number>();
    for (const { name, bytes } of mutations(image.bytes, 1024, 300, 7)) {
      const file = await inspectSnapshot(memoryReader(bytes), bytes.length).catch(
        (e: unknown) => e,
      );
      let streamed: unknown;
      try {
        streamed = scan(bytes, 777);
      } catch (err) {
        streamed = err;
      }
      if (!(streamed instanceof SnapshotFormatError) && streamed instanceof Error)
        throw new Error(`${name}: ${streamed.stack}`);
      if (!(file instanceof Error))
        expect({ name, summary: streamed }).toEqual({ name, summary: file });
      const key = streamed instanceof SnapshotFormatError ? streamed.code : 'ok';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(outcomes.size).toBeGreaterThan(5);
  });
});
