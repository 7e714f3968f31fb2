import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32cUpdate } from '../../../../src/snapshot/inspect/crc32c.js';
import { inspectSnapshot, inspectSnapshotFile } from '../../../../src/snapshot/inspect/inspect.js';
import {
  buildImage,
  flipByte,
  memoryReader,
  type BucketSpec,
} from '../../../support/fixtures/bbolt-image.js';
import {
  encodeKeyValue,
  etcdRoot,
  revisionKey,
  type Put,
} from '../../../support/fixtures/etcd-records.js';

/** etcdutl's hash, recomputed from the spec: bucket names, then keys and values in order. */
function expectedHash(root: BucketSpec): number {
  const sorted = <T extends readonly [string | Buffer, unknown]>(entries: readonly T[]) =>
    [...entries].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  let crc = 0;
  for (const [name, bucket] of sorted(root.entries)) {
    crc = crc32cUpdate(crc, Buffer.from(name));
    for (const [k, v] of sorted((bucket as BucketSpec).entries)) {
      crc = crc32cUpdate(crc, Buffer.from(k));
      if (typeof v === 'string' || Buffer.isBuffer(v)) crc = crc32cUpdate(crc, Buffer.from(v));
    }
  }
  return crc;
}

const ops: Put[] = [
  { key: '/registry/pods/default/a', value: 'A1' },
  { key: '/registry/pods/default/b', value: 'B1' },
  { key: '/registry/pods/kube-system/c', value: 'C1' },
  { key: '/registry/pods/default/a', value: 'A2-longer' },
  { key: '/registry/pods/default/b' },
  { key: '/registry/etcdsnapshot.dev/etcdbackups/prod/nightly', value: '{}' },
  { key: '/registry/namespaces/prod', value: 'ns' },
  { key: 'compact_rev_key', value: 'x' },
  { key: '/registry/pods/kube-system/c' },
  { key: '/registry/pods/kube-system/c', value: 'C2' },
];

async function inspect(root: BucketSpec, options = {}, image = {}) {
  const img = buildImage(root, image);
  return inspectSnapshot(memoryReader(img.bytes), img.bytes.length, options);
}

describe('inspectSnapshot', () => {
  it('reports what etcdutl reports, plus live keys by resource and namespace', async () => {
    const root = etcdRoot(ops, { perLeaf: 3, perBranch: 2 });
    const summary = await inspect(root);
    expect(summary).toMatchObject({
      hash: expectedHash(root),
      revision: 11,
      totalKey: 5,
      version: '3.6.0',
      totalEntries: 1 + ops.length + 1 + 5,
      trailer: { present: true, valid: true },
      live: { keys: 5, bytes: 24 + 9 + 28 + 2 + 51 + 2 + 25 + 2 + 15 + 1 },
      other: { keys: 1, bytes: 16 },
      etcd: {
        consistentIndex: 42,
        term: 7,
        scheduledCompactRevision: 3,
        finishedCompactRevision: 3,
        storageVersion: '3.6.0',
        clusterVersion: '3.6.0',
        members: [
          {
            id: '8e9e05c52164694d',
            name: 'default',
            peerURLs: ['http://localhost:2380'],
            clientURLs: [],
            isLearner: false,
          },
        ],
      },
    });
    expect(summary.resources).toEqual([
      {
        prefix: 'etcdsnapshot.dev/etcdbackups',
        resource: 'etcdbackups',
        group: 'etcdsnapshot.dev',
        keys: 1,
        bytes: 53,
      },
      { prefix: 'namespaces', resource: 'namespaces', group: '', keys: 1, bytes: 27 },
      { prefix: 'pods', resource: 'pods', group: '', keys: 2, bytes: 33 + 30 },
    ]);
    expect(summary.namespaces).toEqual([
      { namespace: 'default', keys: 1, bytes: 33 },
      { namespace: 'kube-system', keys: 1, bytes: 30 },
      { namespace: 'prod', keys: 1, bytes: 53 },
    ]);
    expect(summary.totalSize).toBe(summary.fileSize - 32);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('hashes a nested bucket by its key only', async () => {
    const root: BucketSpec = {
      entries: [
        [
          'plain',
          {
            entries: [
              ['a', '1'],
              ['sub', { entries: [['x', 'y']], inline: true }],
            ],
          },
        ],
      ],
    };
    expect((await inspect(root)).hash).toBe(expectedHash(root));
  });

  it.each([
    ['absent', { trailer: false }, {}, { present: false, sha256: null, valid: null }],
    ['present but not checked', {}, { checkDigest: false }, { present: true, valid: null }],
  ])('reports a trailer %s', async (_name, image, options, trailer) => {
    expect((await inspect(etcdRoot(ops), options, image)).trailer).toMatchObject(trailer);
  });

  it('reports (without failing) a trailer that does not match', async () => {
    const img = buildImage(etcdRoot(ops));
    flipByte(img.bytes, img.bytes.length - 1);
    const summary = await inspectSnapshot(memoryReader(img.bytes), img.bytes.length);
    expect(summary.trailer).toMatchObject({ present: true, valid: false });
  });

  it('counts under another registry prefix', async () => {
    const summary = await inspect(etcdRoot([{ key: '/kubernetes.io/pods/ns/p', value: 'v' }]), {
      registryPrefix: '/kubernetes.io',
    });
    expect(summary.resources).toMatchObject([{ resource: 'pods', keys: 1 }]);
    expect(summary.other.keys).toBe(0);
  });

  it.each<[string, BucketSpec, string]>([
    [
      'a top-level key that is not a bucket',
      {
        entries: [
          ['key', { entries: [] }],
          ['stray', 'value' as unknown as BucketSpec],
        ],
      },
      'NotABucket',
    ],
    [
      'a key bucket key that is not a revision',
      { entries: [['key', { entries: [['notarev', encodeKeyValue({ key: 'k' })]] }]] },
      'BadRevisionKey',
    ],
    [
      'a key bucket value that is not a KeyValue',
      { entries: [['key', { entries: [[revisionKey(2), Buffer.from([0x0a, 0x7f])]] }]] },
      'BadKeyValue',
    ],
  ])('refuses %s', async (_name, root, code) => {
    await expect(inspect(root)).rejects.toMatchObject({ code, name: 'SnapshotFormatError' });
  });

  it('reads a file from disk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'inspect-'));
    const file = path.join(dir, 'snap.db');
    const root = etcdRoot(ops);
    writeFileSync(file, buildImage(root).bytes);
    expect(await inspectSnapshotFile(file)).toMatchObject({
      hash: expectedHash(root),
      totalKey: 5,
    });
  });
});
