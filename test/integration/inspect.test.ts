import {
  copyFileSync,
  createReadStream,
  mkdtempSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectSnapshotFile } from '../../src/snapshot/inspect/inspect.js';
import { createSnapshotScanner } from '../../src/snapshot/inspect/scanner.js';
import type { SnapshotSummary } from '../../src/snapshot/inspect/types.js';
import { verifySnapshotFile } from '../../src/snapshot/inspect/verify.js';
import { buildImage, type BucketSpec } from '../support/fixtures/bbolt-image.js';
import { etcdRoot } from '../support/fixtures/etcd-records.js';
import {
  etcdutlStatus,
  makeRealSnapshot,
  type EtcdComponent,
  type RealSnapshot,
} from '../support/fixtures/real-snapshot.js';

/** Per test: etcdutl runs and whole-file reads of a few MiB. */
const T = 60_000;

describe.each<EtcdComponent>(['etcd-3.6', 'etcd-3.5'])(
  'inspect and verify a real %s snapshot',
  (component) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `inspect-${component}-`));
    let real: RealSnapshot;
    let summary: SnapshotSummary;

    beforeAll(async () => {
      real = await makeRealSnapshot(component, dir);
      summary = await inspectSnapshotFile(real.file);
    }, 300_000);

    afterAll(async () => {
      await real?.etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'reports the hash, revision, totalKey and totalSize etcdutl 3.6 reports',
      () => {
        const status = etcdutlStatus('etcd-3.6', real.file);
        expect({
          hash: summary.hash,
          revision: summary.revision,
          totalKey: summary.totalKey,
          totalSize: summary.totalSize,
          version: summary.version,
        }).toEqual(status);
      },
      T,
    );

    it(
      "counts every bucket entry as etcdutl 3.5's totalKey",
      () => {
        const status = etcdutlStatus('etcd-3.5', real.file);
        expect({
          hash: summary.hash,
          revision: summary.revision,
          totalKey: summary.totalEntries,
          totalSize: summary.totalSize,
        }).toEqual(status);
      },
      T,
    );

    it(
      'counts the live keys per resource and namespace that were written',
      () => {
        const { expected } = real;
        expect(summary.live).toEqual({
          keys: expected.live.size,
          bytes: [...expected.live.values()].reduce((a, b) => a + b, 0),
        });
        expect(
          Object.fromEntries(
            summary.resources.map((r) => [r.prefix, { keys: r.keys, bytes: r.bytes }]),
          ),
        ).toEqual(Object.fromEntries(expected.resources));
        expect(
          Object.fromEntries(
            summary.namespaces.map((n) => [n.namespace, { keys: n.keys, bytes: n.bytes }]),
          ),
        ).toEqual(Object.fromEntries(expected.namespaces));
        expect(summary.other).toEqual(expected.other);
        expect(summary.resources.find((r) => r.prefix === 'services/specs')).toMatchObject({
          resource: 'services',
          group: '',
        });
        expect(
          summary.resources.find((r) => r.prefix === 'etcdsnapshot.dev/etcdbackups'),
        ).toMatchObject({ resource: 'etcdbackups', group: 'etcdsnapshot.dev' });
      },
      T,
    );

    it(
      "reads etcd's own records: compaction, raft position, membership, versions",
      () => {
        expect(summary.trailer).toMatchObject({ present: true, valid: true });
        expect(summary.etcd.finishedCompactRevision).toBe(real.expected.compactedAt);
        expect(summary.etcd.scheduledCompactRevision).toBe(real.expected.compactedAt);
        expect(summary.etcd.consistentIndex).toBeGreaterThan(0);
        expect(summary.etcd.term).toBeGreaterThan(0);
        expect(summary.etcd.members).toEqual([
          expect.objectContaining({
            name: 'default',
            peerURLs: [real.etcd.peerUrl],
            isLearner: false,
          }),
        ]);
        expect(summary.etcd.clusterVersion).toBe(component === 'etcd-3.6' ? '3.6.0' : '3.5.0');
        expect(summary.version).toBe(component === 'etcd-3.6' ? '3.6.0' : '');
        expect(summary.buckets.map((b) => b.name)).toEqual(
          expect.arrayContaining(['key', 'meta', 'lease', 'members', 'cluster']),
        );
        expect(summary.buckets.find((b) => b.name === 'lease')?.entries).toBe(1);
      },
      T,
    );

    it(
      'verifies the snapshot: digest, meta pages, every reachable page',
      async () => {
        const report = await verifySnapshotFile(real.file);
        expect(report).toMatchObject({
          hash: summary.hash,
          revision: summary.revision,
          totalKey: summary.totalKey,
          trailer: { valid: true },
        });
        expect(report.branchPages).toBeGreaterThan(0);
        expect(report.overflowPages).toBeGreaterThan(0);
        expect(report.reachablePages + report.unreachablePages + 2).toBe(report.pages);
      },
      T,
    );

    it(
      'gives the same summary streamed in 32 KiB chunks (no file, no random access)',
      async () => {
        const scanner = createSnapshotScanner();
        for await (const chunk of createReadStream(real.file, { highWaterMark: 32 * 1024 })) {
          scanner.write(chunk as Buffer);
        }
        expect(scanner.finish()).toEqual(summary);
      },
      T,
    );

    it(
      'tells a snapshot without its trailer, and a truncated one, apart',
      async () => {
        const bare = path.join(dir, 'bare.db');
        copyFileSync(real.file, bare);
        truncateSync(bare, statSync(real.file).size - 32);
        expect((await inspectSnapshotFile(bare)).trailer).toEqual({
          present: false,
          sha256: null,
          valid: null,
        });
        await expect(verifySnapshotFile(bare)).rejects.toMatchObject({ code: 'NoTrailer' });
        truncateSync(bare, statSync(real.file).size - 32 - 4096 * 3);
        await expect(inspectSnapshotFile(bare)).rejects.toMatchObject({ code: 'Truncated' });
      },
      T,
    );
  },
);

describe('hand-built images, read by etcdutl too', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inspect-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ops = Array.from({ length: 400 }, (_, i) => ({
    key: `/registry/pods/ns${i % 5}/p${i % 300}`,
    value: i % 9 === 0 ? undefined : 'v'.repeat(i % 50 === 0 ? 9000 : i),
  }));
  const nested: BucketSpec = {
    entries: [
      ...etcdRoot(ops).entries,
      [
        'zz',
        {
          entries: [
            ['a', '1'],
            ['inner', { entries: [['x', 'y']] }],
          ],
          perLeaf: 1,
        },
      ],
    ],
  };
  it.each<[string, BucketSpec, number]>([
    ['multi-level branches and overflow pages', etcdRoot(ops, { perLeaf: 5, perBranch: 4 }), 4096],
    ['1 KiB pages', etcdRoot(ops, { perLeaf: 3 }), 1024],
    ['a nested bucket in a paged bucket', nested, 4096],
  ])(
    'agree with etcdutl 3.6 and 3.5 on %s',
    async (name, root, pageSize) => {
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.db`);
      writeFileSync(file, buildImage(root, { pageSize, freePages: [] }).bytes);
      const summary = await inspectSnapshotFile(file);
      const mine = { hash: summary.hash, revision: summary.revision, totalSize: summary.totalSize };
      expect({ ...mine, totalKey: summary.totalKey, version: summary.version }).toEqual(
        etcdutlStatus('etcd-3.6', file),
      );
      expect({ ...mine, totalKey: summary.totalEntries }).toEqual(etcdutlStatus('etcd-3.5', file));
    },
    T,
  );
});
