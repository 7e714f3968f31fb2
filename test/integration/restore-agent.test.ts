import { parseStoreUrl } from '../../src/storage/index.js';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { Etcd3 } from 'etcd3';
import type { RestoreAgentConfig, RestoreAgentResult } from '../../src/api/agent/index.js';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { cli } from '../support/cli.js';
import { truncate, whileDamaged } from '../support/damaged-file.js';
import { currentRevision, readAllKeys } from '../support/etcd-data.js';
import { startEtcdPair, type EtcdPair } from '../support/etcd-pair.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { freePort } from '../support/testbed/ports.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'restore-agent-'));
const storeDir = path.join(dir, 'store');
const dest = `file://${storeDir}`;
let pair: EtcdPair;
let target: EtcdServer;
let src: Etcd3;
let dst: Etcd3;
let manifest: SnapshotManifest;
let encrypted: SnapshotManifest;
let identity: string;
let atSnapshot: Map<string, string>;
let runs = 0;

beforeAll(async () => {
  mkdirSync(storeDir);
  pair = await startEtcdPair(dir, 200);
  ({ target, src, dst } = pair);
  manifest = await pair.save(dest, 'plain');
  atSnapshot = await readAllKeys(src, manifest.revision);
  identity = await generateIdentity();
  encrypted = await pair.save(dest, 'sealed', '--recipient', await identityToRecipient(identity));
  // History after the snapshots must not leak into a restore.
  await src.put('/registry/pods/prod/after-snapshot').value('new');
}, 120_000);

afterAll(() => pair?.stop());

function config(overrides: Partial<RestoreAgentConfig>): RestoreAgentConfig {
  return {
    apiVersion: 'etcdsnapshot.dev/v1alpha1',
    kind: 'RestoreAgentConfig',
    restore: { namespace: 'ns', name: 'r', uid: 'u-1' },
    job: 'r-restore',
    mode: 'Logical',
    dryRun: false,
    source: { store: parseStoreUrl(dest), name: 'plain' },
    workDir: dir,
    logical: {
      etcd: { endpoints: [target.endpoint], dialTimeout: '3s', streamIdleTimeout: '30s' },
      prefix: '',
      overwrite: false,
    },
    ...overrides,
  };
}

async function agent(
  cfg: RestoreAgentConfig,
  env: Record<string, string> = {},
): Promise<{ code: number; result: RestoreAgentResult }> {
  runs += 1;
  const file = path.join(dir, `config-${runs}.json`);
  const log = path.join(dir, `termination-${runs}.log`);
  writeFileSync(file, JSON.stringify(cfg));
  const r = await cli(['agent', 'restore', '--config', file, '--termination-log', log], {
    ETCD_SNAPSHOT_ETCDUTL: resolveBinary('etcdutl'),
    ...env,
  });
  return {
    code: r.code,
    result: JSON.parse(readFileSync(log, 'utf8')) as RestoreAgentResult,
  };
}

describe('Logical', () => {
  it('restores every key at the snapshot revision into an empty etcd, nothing after it', async () => {
    const { code, result } = await agent(config({}));
    expect(result).toMatchObject({
      succeeded: true,
      reason: 'Succeeded',
      checksumVerified: true,
      snapshot: { key: manifest.key, revision: manifest.revision, sha256: manifest.raw.sha256 },
      logical: { existingKeys: 0, keys: atSnapshot.size },
    });
    expect(code).toBe(0);
    expect(result.snapshot?.content?.liveKeys).toBe(atSnapshot.size);
    expect(await readAllKeys(dst)).toEqual(atSnapshot);
  });

  it('refuses a non-empty target without overwrite, names the fix, changes nothing (exit 6)', async () => {
    await dst.put('/registry/pods/prod/local-change').value('keep me');
    const before = await readAllKeys(dst);
    const { code, result } = await agent(config({}));
    expect(code).toBe(6);
    expect(result).toMatchObject({
      succeeded: false,
      reason: 'TargetNotEmpty',
      checksumVerified: true,
    });
    expect(result.message).toMatch(/already has \d+ key\(s\).*overwrite: true/);
    expect(await readAllKeys(dst)).toEqual(before);
  });

  it('a dry run reports what it would replace and changes nothing', async () => {
    const before = await readAllKeys(dst);
    const { code, result } = await agent(config({ dryRun: true }));
    expect(code).toBe(0);
    expect(result).toMatchObject({
      succeeded: true,
      dryRun: true,
      logical: { existingKeys: before.size, keys: atSnapshot.size, transactions: 0 },
    });
    expect(result.message).toMatch(/^dry run: would replace/);
    expect(await readAllKeys(dst)).toEqual(before);
  });

  it('with a prefix and overwrite replaces only that range', async () => {
    await dst.put('/other/keep').value('outside');
    const prefix = '/registry/pods/';
    const { result } = await agent(
      config({
        logical: { ...config({}).logical!, prefix, overwrite: true },
      }),
    );
    expect(result.succeeded).toBe(true);
    const after = await readAllKeys(dst);
    const pick = (m: Map<string, string>, inside: boolean) =>
      new Map([...m].filter(([k]) => k.startsWith(prefix) === inside));
    expect(pick(after, true)).toEqual(pick(atSnapshot, true));
    expect(after.get('/other/keep')).toBe(Buffer.from('outside').toString('base64'));
  });

  it('a tampered snapshot leaves the target untouched: ChecksumMismatch, checksumVerified false', async () => {
    const before = await readAllKeys(dst);
    await whileDamaged(path.join(storeDir, manifest.key), async () => {
      const { code, result } = await agent(
        config({ logical: { ...config({}).logical!, overwrite: true } }),
      );
      expect(code).toBe(5);
      expect(result).toMatchObject({ succeeded: false, checksumVerified: false });
      expect(['ChecksumMismatch', 'SnapshotCorrupt']).toContain(result.reason);
      expect(await readAllKeys(dst)).toEqual(before);
    });
  });

  it('a truncated snapshot is refused the same way', async () => {
    const before = await readAllKeys(dst);
    await whileDamaged(
      path.join(storeDir, manifest.key),
      async () => {
        const { result } = await agent(
          config({ logical: { ...config({}).logical!, overwrite: true } }),
        );
        expect(result).toMatchObject({ succeeded: false, checksumVerified: false });
        expect(await readAllKeys(dst)).toEqual(before);
      },
      truncate(4096),
    );
  });

  it('an encrypted snapshot restores with its identity; a wrong identity is DecryptionFailed', async () => {
    const idFile = path.join(dir, 'identity.txt');
    writeFileSync(idFile, `${identity}\n`);
    const sealed = {
      source: { store: parseStoreUrl(dest), key: encrypted.key, identityFile: idFile },
    };
    const ok = await agent(
      config({ ...sealed, logical: { ...config({}).logical!, overwrite: true } }),
    );
    expect(ok.result).toMatchObject({ succeeded: true, snapshot: { encrypted: true } });
    expect(await readAllKeys(dst)).toEqual(await readAllKeys(src, encrypted.revision));
    writeFileSync(idFile, `${await generateIdentity()}\n`);
    const before = await readAllKeys(dst);
    const bad = await agent(
      config({ ...sealed, logical: { ...config({}).logical!, overwrite: true } }),
    );
    expect(bad.result).toMatchObject({ succeeded: false, reason: 'DecryptionFailed' });
    expect(await readAllKeys(dst)).toEqual(before);
    const none = await agent(
      config({
        source: { store: parseStoreUrl(dest), key: encrypted.key },
        logical: { ...config({}).logical!, overwrite: true },
      }),
    );
    expect(none.result).toMatchObject({ succeeded: false, reason: 'DecryptionFailed' });
    expect(none.result.message).toMatch(/identity/);
  });

  it('a missing snapshot or no snapshot before a time has a stable reason naming the fix', async () => {
    const missing = await agent(
      config({
        source: {
          store: parseStoreUrl(dest),
          key: 'plain/20200101T000000Z-r00000000000000000001.db',
        },
      }),
    );
    expect(missing.result).toMatchObject({ succeeded: false, reason: 'SnapshotNotFound' });
    expect(missing.result.message).toMatch(/etcd-snapshot list/);
    const before = await agent(
      config({
        source: { store: parseStoreUrl(dest), name: 'plain', latestBefore: '2001-01-01T00:00:00Z' },
      }),
    );
    expect(before.result).toMatchObject({ succeeded: false, reason: 'NoSnapshotBefore' });
  });

  it('an unreachable target is EtcdUnreachable (exit 3)', async () => {
    const port = await freePort();
    const { code, result } = await agent(
      config({
        logical: {
          etcd: {
            endpoints: [`http://127.0.0.1:${port}`],
            dialTimeout: '1s',
            streamIdleTimeout: '5s',
          },
          prefix: '',
          overwrite: false,
        },
      }),
    );
    expect({ code, reason: result.reason }).toEqual({ code: 3, reason: 'EtcdUnreachable' });
  });
});

describe('DataDir', () => {
  const stamp = '20260301T120000Z';
  const dataDirConfig = (dataDir: string, peerURL: string): RestoreAgentConfig =>
    config({
      mode: 'DataDir',
      logical: undefined,
      dataDir: {
        member: { name: 'm1', peerURL },
        dataDir,
        swap: 'directory',
        initialCluster: `m1=${peerURL}`,
        initialClusterToken: 'restored',
        bumpRevision: 1_000_000,
        markCompacted: true,
        stamp,
      },
    });

  it('restores a member data directory, keeps the old one, and etcd starts on it with a bumped revision', async () => {
    const memberDir = path.join(dir, 'member1');
    const dataDir = path.join(memberDir, 'etcd');
    const old = await startEtcd({ dir: path.join(dir, 'old'), dataDir });
    await old.stop();
    const peerPort = await freePort();
    const peerURL = `http://127.0.0.1:${peerPort}`;
    const { code, result } = await agent(dataDirConfig(dataDir, peerURL));
    expect(result).toMatchObject({
      succeeded: true,
      checksumVerified: true,
      member: { name: 'm1', dataDir, previousDataDir: `${dataDir}.previous-${stamp}` },
    });
    expect(code).toBe(0);
    const restored = await startEtcd({
      dir: path.join(dir, 'restored'),
      dataDir,
      name: 'm1',
      peerPort,
    });
    const client = new Etcd3({ hosts: restored.endpoint });
    try {
      expect(await readAllKeys(client)).toEqual(atSnapshot);
      expect(BigInt(await currentRevision(client))).toBeGreaterThanOrEqual(
        BigInt(manifest.revision) + 1_000_000n,
      );
    } finally {
      client.close();
      await restored.stop();
    }
    // A retry of the same restore (same stamp) sees the swap done and changes nothing.
    const again = await agent(dataDirConfig(dataDir, peerURL));
    expect(again.result.succeeded).toBe(true);
    expect(again.result.message).toMatch(/already restored/);
  }, 120_000);

  it('refuses to swap while a running etcd holds the data directory: TargetInUse, nothing changed', async () => {
    const dataDir = path.join(dir, 'member2', 'etcd');
    const running = await startEtcd({ dir: path.join(dir, 'running'), dataDir });
    try {
      const { code, result } = await agent(dataDirConfig(dataDir, 'http://127.0.0.1:2380'));
      expect(code).toBe(6);
      expect(result).toMatchObject({ succeeded: false, reason: 'TargetInUse' });
      expect(result.message).toMatch(/bbolt's file lock.*stop that member/);
      const client = new Etcd3({ hosts: running.endpoint });
      await client.put('/still').value('alive');
      client.close();
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('a dry run in DataDir mode verifies the snapshot and touches no directory', async () => {
    const dataDir = path.join(dir, 'member3', 'etcd');
    const { result } = await agent({
      ...dataDirConfig(dataDir, 'http://127.0.0.1:2380'),
      dryRun: true,
    });
    expect(result).toMatchObject({ succeeded: true, dryRun: true, checksumVerified: true });
    expect(() => readFileSync(path.join(dataDir, 'member'))).toThrow();
  });
});
