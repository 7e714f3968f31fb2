import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import {
  API_VERSION,
  BACKUP_CONDITIONS,
  GROUP,
  KINDS,
  LABELS,
  PLURALS,
  VERSION,
  type EtcdBackup,
  type EtcdRestore,
} from '../../src/api/v1alpha1/index.js';
import { BackupFixture } from '../support/backups.js';
import { whileDamaged } from '../support/damaged-file.js';
import { useTestBed } from '../support/bed-suite.js';
import { currentRevision, readAllKeys } from '../support/etcd-data.js';
import { writeK8sWorkload } from '../support/fixtures/k8s-workload.js';
import { bedKubectl, installCrds, startOperator } from '../support/operator.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { waitFor } from '../support/wait.js';
import { argoHealth } from '../support/argo-health.js';

// The operator image ships etcdutl on PATH; the node agent gives its containers this PATH.
process.env.PATH = `${path.dirname(resolveBinary('etcdutl'))}:${process.env.PATH ?? ''}`;

const bed = useTestBed();
const ns = 'restore-e2e';
const fx = new BackupFixture(bed, ns, 'restore-e2e');
const { lastBackupSucceeded } = BACKUP_CONDITIONS;
let operator: ManagedProcess;
let source: EtcdServer;
let src: Etcd3;
const targets: EtcdServer[] = [];
let plain: NonNullable<NonNullable<EtcdBackup['status']>['lastSnapshot']>;
let atSnapshot: Map<string, string>;
let identity: string;

const kubectl = (...args: string[]) => bedKubectl(bed())(...args);
const custom = () => bed().kubeConfig.makeApiClient(CustomObjectsApi);

async function createRestore(name: string, spec: EtcdRestore['spec'], namespace = ns) {
  await custom().createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.restore,
    body: { apiVersion: API_VERSION, kind: KINDS.restore, metadata: { name }, spec },
  });
}

async function getRestore(name: string, namespace = ns): Promise<EtcdRestore> {
  return JSON.parse(
    await kubectl('get', '-n', namespace, `etcdrestore/${name}`, '-o', 'json'),
  ) as EtcdRestore;
}

/** Waits until the restore is Completed or Failed and returns it. */
async function finished(name: string, namespace = ns): Promise<EtcdRestore> {
  return waitFor(
    async () => {
      const r = await getRestore(name, namespace);
      return r.status?.phase === 'Completed' || r.status?.phase === 'Failed' ? r : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `EtcdRestore ${name} to finish` },
  );
}

/** The names of the Jobs the restore made. */
async function restoreJobNames(restore: string): Promise<string[]> {
  const out = await kubectl(
    'get',
    'jobs',
    '-n',
    ns,
    '-l',
    `${LABELS.restore}=${restore}`,
    '-o',
    'name',
  );
  return out.split('\n').filter(Boolean);
}

const condition = (r: EtcdRestore, type: string) =>
  r.status?.conditions?.find((c) => c.type === type);

async function target(): Promise<{ server: EtcdServer; client: Etcd3 }> {
  const server = await startEtcd({ dir: path.join(bed().dir, `target-${targets.length}`) });
  targets.push(server);
  return { server, client: new Etcd3({ hosts: server.endpoint }) };
}

async function backUp(name: string, extra: Partial<EtcdBackup['spec']> = {}) {
  await fx.create(name, {
    etcd: { endpoints: [source.endpoint] },
    destination: fx.destination(),
    ...extra,
  });
  const { backup } = await fx.waitForCondition(name, lastBackupSucceeded, 'True');
  return backup.status!.lastSnapshot!;
}

beforeAll(async () => {
  await installCrds(bed());
  await fx.setUp();
  source = await startEtcd({ dir: path.join(bed().dir, 'source') });
  src = new Etcd3({ hosts: source.endpoint });
  await writeK8sWorkload(src, 150);
  // DataDir restores into host paths (nodeName + hostPath) need a trusted namespace.
  operator = await startOperator(bed(), 'default', { trustedNamespaces: [ns] });
  plain = await backUp('plain');
  atSnapshot = await readAllKeys(src, plain.revision);
  identity = await generateIdentity();
  await fx.putSecret('age-identity', { 'identity.txt': `${identity}\n` });
  // History after the snapshot must not leak into a restore.
  await src.put('/registry/pods/prod/after-snapshot').value('new');
}, 300_000);

afterAll(async () => {
  src?.close();
  await operator?.stop();
  await Promise.all([source?.stop(), ...targets.map((t) => t.stop())]);
});

const logical = (endpoint: string, extra: Record<string, unknown> = {}) => ({
  mode: 'Logical' as const,
  logical: { etcd: { endpoints: [endpoint], dialTimeout: '3s' }, ...extra },
});

describe('Logical', () => {
  let t: { server: EtcdServer; client: Etcd3 };
  beforeAll(async () => {
    t = await target();
  });
  afterAll(() => t?.client.close());

  it('restores the latest snapshot of an EtcdBackup into a second etcd: keys equal the snapshot at its revision', async () => {
    await createRestore('logical', {
      source: { backupRef: { name: 'plain' } },
      ...logical(t.server.endpoint),
    });
    const r = await finished('logical');
    expect(r.status).toMatchObject({
      phase: 'Completed',
      snapshot: { revision: plain.revision, sha256: plain.sha256 },
    });
    expect(condition(r, 'Restored')).toMatchObject({ status: 'True', reason: 'Restored' });
    expect(condition(r, 'ChecksumVerified')).toMatchObject({ status: 'True' });
    // What Argo CD shows, from the shipped health check (deploy/argocd/).
    expect(await argoHealth('EtcdRestore', r)).toEqual({
      status: 'Healthy',
      message: `Restored: ${condition(r, 'Restored')!.message}`,
    });
    expect(r.status?.snapshot?.content?.liveKeys).toBe(atSnapshot.size);
    expect(await readAllKeys(t.client)).toEqual(atSnapshot);
    const table = await kubectl('get', '-n', ns, 'etcdrestore/logical');
    expect(table).toMatch(/PHASE\s+MODE\s+SOURCE\s+REVISION\s+PROGRESS\s+AGE/);
    expect(table).toMatch(new RegExp(`Completed\\s+Logical\\s+plain\\s+${plain.revision!}`));
    expect(await kubectl('get', 'events', '-n', ns, '-o', 'json')).toContain(
      '"reason": "Restored"',
    );
  });

  it('refuses a non-empty target without overwrite: Failed, TargetNotEmpty, target untouched', async () => {
    await t.client.put('/registry/pods/prod/local-change').value('keep me');
    const before = await readAllKeys(t.client);
    await createRestore('refused', {
      source: { backupRef: { name: 'plain' } },
      ...logical(t.server.endpoint),
    });
    const r = await finished('refused');
    expect(r.status?.phase).toBe('Failed');
    expect(condition(r, 'Restored')).toMatchObject({ status: 'False', reason: 'TargetNotEmpty' });
    expect(condition(r, 'Restored')?.message).toMatch(/overwrite: true/);
    expect(await argoHealth('EtcdRestore', r)).toEqual({
      status: 'Degraded',
      message: `TargetNotEmpty: ${condition(r, 'Restored')!.message}`,
    });
    expect(await readAllKeys(t.client)).toEqual(before);
  });

  it('a dry run resolves and verifies the source, reports its content, changes nothing', async () => {
    const before = await readAllKeys(t.client);
    await createRestore('dry', {
      source: { backupRef: { name: 'plain' } },
      ...logical(t.server.endpoint),
      dryRun: true,
    });
    const r = await finished('dry');
    expect(r.status?.phase).toBe('Completed');
    expect(condition(r, 'Restored')).toMatchObject({ status: 'False', reason: 'DryRun' });
    expect(condition(r, 'ChecksumVerified')).toMatchObject({ status: 'True' });
    expect(r.status?.snapshot?.content?.liveKeys).toBe(atSnapshot.size);
    expect(await readAllKeys(t.client)).toEqual(before);
  });

  it('with a prefix and overwrite replaces only that range', async () => {
    await t.client.put('/other/keep').value('outside');
    const prefix = '/registry/pods/';
    await createRestore('prefix', {
      source: { backupRef: { name: 'plain', snapshot: plain.key } },
      ...logical(t.server.endpoint, { prefix, overwrite: true }),
    });
    expect((await finished('prefix')).status?.phase).toBe('Completed');
    const after = await readAllKeys(t.client);
    const pick = (m: Map<string, string>, inside: boolean) =>
      new Map([...m].filter(([k]) => k.startsWith(prefix) === inside));
    expect(pick(after, true)).toEqual(pick(atSnapshot, true));
    expect(after.get('/other/keep')).toBe(Buffer.from('outside').toString('base64'));
  });

  it('a tampered snapshot leaves the target untouched and sets ChecksumVerified False', async () => {
    const before = await readAllKeys(t.client);
    await whileDamaged(path.join(bed().s3.root, fx.bucket, 'bed', plain.key), async () => {
      await createRestore('tampered', {
        source: { backupRef: { name: 'plain', snapshot: plain.key } },
        ...logical(t.server.endpoint, { overwrite: true }),
      });
      const r = await finished('tampered');
      expect(r.status?.phase).toBe('Failed');
      expect(condition(r, 'ChecksumVerified')).toMatchObject({
        status: 'False',
        reason: 'ChecksumMismatch',
      });
      expect(await readAllKeys(t.client)).toEqual(before);
    });
  });

  it('a missing EtcdBackup keeps the restore Pending with SourceValid False, BackupNotFound', async () => {
    await createRestore('no-backup', {
      source: { backupRef: { name: 'does-not-exist' } },
      ...logical(t.server.endpoint),
    });
    const r = await waitFor(
      async () => {
        const got = await getRestore('no-backup');
        return condition(got, 'SourceValid')?.status === 'False' ? got : undefined;
      },
      { timeoutMs: 60_000, what: 'SourceValid False' },
    );
    expect(r.status?.phase).toBe('Pending');
    expect(condition(r, 'SourceValid')).toMatchObject({ reason: 'BackupNotFound' });
    expect(condition(r, 'SourceValid')?.message).toMatch(/does-not-exist.*create it/);
    expect(await argoHealth('EtcdRestore', r)).toEqual({
      status: 'Progressing',
      message: `Pending: BackupNotFound: ${condition(r, 'SourceValid')!.message}`,
    });
  });

  it('a missing CA bundle Secret keeps it Pending with SecretNotFound, never a Pod stuck creating', async () => {
    await createRestore('no-ca', {
      source: {
        destination: fx.destination({ caBundleSecretRef: { name: 'missing-ca' } }),
        key: plain.key,
      },
      ...logical(t.server.endpoint),
    });
    const r = await waitFor(
      async () => {
        const got = await getRestore('no-ca');
        return condition(got, 'SourceValid')?.status === 'False' ? got : undefined;
      },
      { timeoutMs: 60_000, what: 'SourceValid False' },
    );
    expect(r.status?.phase).toBe('Pending');
    expect(condition(r, 'SourceValid')).toMatchObject({ reason: 'SecretNotFound' });
    expect(condition(r, 'SourceValid')?.message).toContain(
      'Secret "missing-ca" (spec.source.destination.s3.caBundleSecretRef) does not exist',
    );
    expect(await restoreJobNames('no-ca')).toEqual([]);
  });
});

it('restores across clusters from a bare destination and key, without the EtcdBackup', async () => {
  const other = 'restore-e2e-b';
  const otherFx = new BackupFixture(bed, other, fx.bucket);
  await bed().createNamespace(other);
  await otherFx.putSecret('s3-creds', otherFx.credentials());
  const t = await target();
  try {
    await createRestore(
      'migrate',
      { source: { destination: fx.destination(), key: plain.key }, ...logical(t.server.endpoint) },
      other,
    );
    const r = await finished('migrate', other);
    expect(r.status?.phase).toBe('Completed');
    expect(await readAllKeys(t.client)).toEqual(atSnapshot);
  } finally {
    t.client.close();
  }
});

it('restores an encrypted snapshot with the identity from a Secret', async () => {
  const sealed = await backUp('sealed', {
    encryption: { recipients: [await identityToRecipient(identity)] },
  });
  const t = await target();
  try {
    await createRestore('sealed', {
      source: { backupRef: { name: 'sealed' }, decryptionSecretRef: { name: 'age-identity' } },
      ...logical(t.server.endpoint),
    });
    const r = await finished('sealed');
    expect(r.status?.phase).toBe('Completed');
    expect(await readAllKeys(t.client)).toEqual(await readAllKeys(src, sealed.revision));
  } finally {
    t.client.close();
  }
});

/** Reading back 15 MB in one range takes more than gRPC's default 4 MiB message. */
const wideClient = (endpoint: string) =>
  new Etcd3({ hosts: endpoint, grpcOptions: { 'grpc.max_receive_message_length': -1 } });

describe('a long logical reset', () => {
  let big: EtcdServer;
  let bigSrc: Etcd3;
  beforeAll(async () => {
    big = await startEtcd({ dir: path.join(bed().dir, 'big-source') });
    targets.push(big);
    bigSrc = wideClient(big.endpoint);
    // 30,000 keys of 512 bytes: one per transaction (maxTxnOps: 1), long enough to watch.
    for (let i = 0; i < 30_000; i += 100) {
      const success = Array.from({ length: 100 }, (_, j) => ({
        request_put: {
          key: Buffer.from(`/registry/configmaps/big/cm-${i + j}`),
          value: Buffer.alloc(512, 'x'),
        },
      }));
      await bigSrc.kv.txn({ compare: [], success, failure: [] });
    }
    await fx.create('big', { etcd: { endpoints: [big.endpoint] }, destination: fx.destination() });
    await fx.waitForCondition('big', lastBackupSucceeded, 'True');
  }, 300_000);
  afterAll(() => bigSrc?.close());

  it('shows progress in status while it writes, then compacts: the target is the snapshot with no history', async () => {
    const t = await target();
    try {
      for (let i = 0; i < 5; i++)
        await t.client.put('/registry/configmaps/big/cm-0').value(`old ${i}`);
      await createRestore('reset', {
        source: { backupRef: { name: 'big' } },
        ...logical(t.server.endpoint, { overwrite: true, compact: true, maxTxnOps: 1 }),
      });
      const running = await waitFor(
        async () => {
          const r = await getRestore('reset');
          const p = r.status?.progress;
          return p?.phase === 'Writing' && (p.keys ?? 0) > 0 ? r : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250, what: 'status.progress while writing' },
      );
      const progress = running.status!.progress!;
      expect(progress).toMatchObject({ totalKeys: 30_000, updateTime: expect.any(String) });
      expect(progress.keys).toBeLessThan(30_000);
      expect(progress.percent).toBe(Math.floor((progress.keys! * 100) / 30_000));
      expect(running.status?.phase).toBe('Restoring');
      expect(running.status?.message).toMatch(/^writing keys: \d+ of 30000 keys \(\d+%\)$/);
      const r = await finished('reset');
      expect(r.status?.phase).toBe('Completed');
      expect(r.status?.progress).toBeUndefined();
      expect(condition(r, 'Restored')?.message).toMatch(
        /replaced; the target was compacted to revision \d+ and defragmented first/,
      );
      const restored = wideClient(t.server.endpoint);
      try {
        expect(await readAllKeys(restored)).toEqual(await readAllKeys(bigSrc));
      } finally {
        restored.close();
      }
      // Compacted before the writes: the overwritten values before them are gone.
      await expect(t.client.get('/registry/configmaps/big/cm-0').revision(2)).rejects.toThrow(
        /compacted/,
      );
      const [job] = await restoreJobNames('reset');
      // The same lines the controller read, through the API server's pods/log as kubectl reads them.
      expect(await kubectl('logs', '-n', ns, job!)).toContain('"msg":"restore progress"');
    } finally {
      t.client.close();
    }
  });

  it('a maxRequestBytes no transaction fits in fails at once with InvalidSpec, and no Job', async () => {
    const t = await target();
    try {
      await createRestore('tiny-requests', {
        source: { backupRef: { name: 'big' } },
        ...logical(t.server.endpoint, { maxRequestBytes: '1Ki' }),
      });
      const r = await finished('tiny-requests');
      expect(r.status?.phase).toBe('Failed');
      expect(condition(r, 'Restored')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(condition(r, 'Restored')?.message).toContain(
        'spec.logical.maxRequestBytes must be at least 65536 (64Ki), got 1024',
      );
      expect(await restoreJobNames('tiny-requests')).toEqual([]);
    } finally {
      t.client.close();
    }
  });
});

describe('DataDir', () => {
  const member = (name: string, dataDir: string, peerPort: number) => ({
    name,
    peerURL: `http://127.0.0.1:${peerPort}`,
    nodeName: bed().nodeName,
    hostPath: { path: dataDir },
  });

  it('restores a hostPath data directory via the node agent; etcd starts on it with the data and a bumped revision', async () => {
    const dataDir = path.join(bed().dir, 'member-a', 'etcd');
    const old = await startEtcd({ dir: path.join(bed().dir, 'old-a'), dataDir });
    await old.stop();
    const peerPort = await freePort();
    await createRestore('datadir', {
      source: { backupRef: { name: 'plain' } },
      mode: 'DataDir',
      dataDir: { members: [member('a', dataDir, peerPort)], bumpRevision: 1_000_000 },
    });
    const r = await finished('datadir');
    expect(r.status?.phase).toBe('Completed');
    expect(r.status?.members).toEqual([
      expect.objectContaining({ name: 'a', phase: 'Succeeded', job: 'datadir-m0' }),
    ]);
    expect(r.status?.members?.[0]?.previousDataDir).toMatch(/etcd\.previous-\d{8}T\d{6}Z$/);
    const restored = await startEtcd({
      dir: path.join(bed().dir, 'restored-a'),
      dataDir,
      name: 'a',
      peerPort,
    });
    targets.push(restored);
    const client = new Etcd3({ hosts: restored.endpoint });
    try {
      expect(await readAllKeys(client)).toEqual(atSnapshot);
      expect(BigInt(await currentRevision(client))).toBeGreaterThanOrEqual(
        BigInt(plain.revision!) + 1_000_000n,
      );
    } finally {
      client.close();
    }
  });

  it('a 3-member DataDir restore forms a healthy cluster with the snapshot data', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const names = ['m0', 'm1', 'm2'];
    const dirs = names.map((n) => path.join(bed().dir, 'cluster', n));
    await createRestore('cluster', {
      source: { backupRef: { name: 'plain' } },
      mode: 'DataDir',
      dataDir: { members: names.map((n, i) => member(n, dirs[i]!, ports[i]!)) },
    });
    const r = await finished('cluster');
    expect(r.status?.phase).toBe('Completed');
    expect(r.status?.members?.map((m) => m.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    const servers = await Promise.all(
      names.map((n, i) =>
        startEtcd({
          dir: path.join(bed().dir, 'cluster-run', n),
          dataDir: dirs[i]!,
          name: n,
          peerPort: ports[i]!,
        }),
      ),
    );
    targets.push(...servers);
    const client = new Etcd3({ hosts: servers.map((s) => s.endpoint) });
    try {
      const members = await client.cluster.memberList({});
      expect(members.members.map((m) => m.name).sort()).toEqual(names);
      expect(await readAllKeys(client)).toEqual(atSnapshot);
      await client.put('/after-restore').value('writable');
    } finally {
      client.close();
    }
  });
});
