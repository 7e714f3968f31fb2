// Logical restore (BENCH_ONLY=logical): replaying a stored snapshot into a live,
// empty etcd against restoring the same snapshot as a data directory, same run,
// same data; the transactions in flight swept; and a reset loop that restores
// the same snapshot over and over, with and without --compact.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { cli } from '../support/cli.js';
import { settledDbSize } from '../support/etcd-data.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { createBucket, startVersityGw, type S3Server } from '../support/testbed/versitygw.js';
import { fillEtcd } from './fill.js';
import { parseCpuSeconds } from './process-sampler.js';
import { agentDataDir, agentLogical, type PathRun, type RestoreCase } from './restore-paths.js';
import { TreeSampler } from './tree-sampler.js';

const GiB = 1024 ** 3;
const MB = 1e6;
const BUCKET = 'bench';

/** One logical restore into an empty etcd: ours, and what etcd spent taking it. */
export interface LogicalRun {
  readonly label: string;
  readonly inFlight: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly etcdCpuSeconds: number;
  readonly peakRssMiB: number;
  readonly keys: number;
  readonly transactions: number;
}

export interface ResetLoop {
  readonly keyspaceBytes: number;
  readonly resets: number;
  /** Database size (etcd's dbSize) after each reset, and seconds per reset. */
  readonly compacted: { readonly sizes: number[]; readonly seconds: number[] };
  readonly plain: {
    readonly sizes: number[];
    readonly seconds: number[];
    readonly failure?: string;
  };
}

export interface LogicalBench {
  readonly gib: number;
  readonly dbBytes: number;
  readonly storedBytes: number;
  readonly dataDir: PathRun;
  readonly runs: readonly LogicalRun[];
  readonly reset: ResetLoop;
}

const etcdCpu = (server: EtcdServer): number =>
  parseCpuSeconds(readFileSync(`/proc/${server.process.pid}/stat`, 'utf8'));

/** A fresh, empty etcd with room for the largest size, removed after `use`. */
async function withEmptyEtcd<T>(
  dir: string,
  use: (server: EtcdServer) => Promise<T>,
  quota = 10 * GiB,
): Promise<T> {
  const server = await startEtcd({ dir, extraArgs: [`--quota-backend-bytes=${quota}`] });
  try {
    return await use(server);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `etcd-snapshot restore --logical --from S3` with N transactions in flight, its process sampled. */
async function cliLogical(
  c: RestoreCase,
  endpoint: string,
  inFlight: number,
): Promise<{
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  keys: number;
  transactions: number;
}> {
  const [node, ...entry] = productEntrypoint();
  const args = [
    ...entry,
    'restore',
    '--logical',
    '--from',
    c.destination,
    '--snapshot',
    c.key,
    '--endpoints',
    endpoint,
    '--txns-in-flight',
    String(inFlight),
    '--json',
  ];
  const started = Date.now();
  const child = spawn(node!, args, { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = new TreeSampler(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const seconds = (Date.now() - started) / 1000;
  const [root] = sampler.stop();
  if (code !== 0) throw new Error(`restore --logical exited ${code}: ${stderr}`);
  const report = JSON.parse(stdout) as { keys: number; transactions: number };
  return { seconds, cpuSeconds: root!.cpuSeconds, peakRssMiB: root!.peakRssMiB, ...report };
}

async function measureLogical(
  dir: string,
  c: RestoreCase,
  log: (line: string) => void,
): Promise<LogicalRun[]> {
  const runs: LogicalRun[] = [];
  const depths = (process.env.BENCH_LOGICAL_IN_FLIGHT ?? '1,2,4,8').split(',').map(Number);
  for (const inFlight of depths) {
    runs.push(
      await withEmptyEtcd(path.join(dir, 'target'), async (server) => {
        const before = etcdCpu(server);
        const r = await cliLogical(c, server.endpoint, inFlight);
        const run = { label: 'CLI', inFlight, ...r, etcdCpuSeconds: etcdCpu(server) - before };
        log(`    CLI, ${inFlight} in flight: ${JSON.stringify(run)}`);
        return run;
      }),
    );
  }
  runs.push(
    await withEmptyEtcd(path.join(dir, 'target'), async (server) => {
      const before = etcdCpu(server);
      const r = await agentLogical(c, server.endpoint);
      const run: LogicalRun = {
        label: 'agent (the EtcdRestore Job)',
        inFlight: 4,
        seconds: r.seconds,
        cpuSeconds: r.agentCpuSeconds ?? 0,
        peakRssMiB: r.agentPeakRssMiB ?? 0,
        etcdCpuSeconds: etcdCpu(server) - before,
        keys: r.result?.logical?.keys ?? 0,
        transactions: r.result?.logical?.transactions ?? 0,
      };
      log(`    agent: ${JSON.stringify(run)}`);
      return run;
    }),
  );
  return runs;
}

/** Resets one etcd `resets` times to the same snapshot file, in-process; stops at the first failure. */
async function resets(
  endpoint: string,
  file: string,
  count: number,
  extra: string[],
): Promise<{ sizes: number[]; seconds: number[]; failure?: string }> {
  const client = new Etcd3({ hosts: endpoint });
  const out = { sizes: [] as number[], seconds: [] as number[] };
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const r = await cli([
        'restore',
        '--logical',
        file,
        '--endpoints',
        endpoint,
        '--force',
        ...extra,
      ]);
      if (r.code !== 0) return { ...out, failure: `reset ${i + 1}: ${r.stderr.trim()}` };
      out.seconds.push((performance.now() - started) / 1000);
      out.sizes.push(await settledDbSize(client));
    }
    return out;
  } finally {
    client.close();
  }
}

async function resetLoop(dir: string, log: (line: string) => void): Promise<ResetLoop> {
  const keyspaceBytes = Number(process.env.BENCH_RESET_MB ?? 100) * MB;
  const count = Number(process.env.BENCH_RESETS ?? 50);
  const store = path.join(dir, 'reset-store');
  mkdirSync(store, { recursive: true });
  const manifest = await withEmptyEtcd(path.join(dir, 'reset-source'), async (server) => {
    const client = new Etcd3({ hosts: server.endpoint });
    await fillEtcd(client, keyspaceBytes).finally(() => client.close());
    const r = await cli([
      'save',
      '--endpoints',
      server.endpoint,
      '--to',
      `file://${store}`,
      '--name',
      'reset',
      '--compression',
      'none',
      '--json',
    ]);
    if (r.code !== 0) throw new Error(`save: ${r.stderr}`);
    return JSON.parse(r.stdout) as SnapshotManifest;
  });
  const file = path.join(store, manifest.key);
  log(`  reset loop: ${count} resets of ${(keyspaceBytes / MB).toFixed(0)} MB with --compact...`);
  const compacted = await withEmptyEtcd(path.join(dir, 'reset-a'), (s) =>
    resets(s.endpoint, file, count, ['--compact']),
  );
  log(`  ... and without, at etcd's default 2 GiB quota`);
  const plain = await withEmptyEtcd(
    path.join(dir, 'reset-b'),
    (s) => resets(s.endpoint, file, count, []),
    2 * GiB,
  );
  return { keyspaceBytes, resets: count, compacted, plain };
}

export async function runLogicalBench(
  dir: string,
  log: (line: string) => void,
): Promise<LogicalBench> {
  mkdirSync(dir, { recursive: true });
  const gib = Number(process.env.BENCH_LOGICAL_GIB ?? 1);
  const s3: S3Server = await startVersityGw({ dir: path.join(dir, 's3') });
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_DEFAULT_REGION: s3.region,
  };
  const destination = `s3://${BUCKET}/logical?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;
  try {
    await createBucket(s3, BUCKET);
    log(`filling etcd to ${gib} GiB of object values and saving it (zstd)...`);
    const manifest = await withEmptyEtcd(path.join(dir, 'source'), async (server) => {
      const client = new Etcd3({ hosts: server.endpoint });
      await fillEtcd(client, gib * GiB).finally(() => client.close());
      const r = await cli(
        [
          'save',
          '--endpoints',
          server.endpoint,
          '--to',
          destination,
          '--name',
          'logical',
          '--json',
        ],
        env,
      );
      if (r.code !== 0) throw new Error(`save: ${r.stderr}`);
      return JSON.parse(r.stdout) as SnapshotManifest;
    });
    const scratch = path.join(dir, 'scratch');
    mkdirSync(scratch, { recursive: true });
    const c: RestoreCase = {
      destination,
      key: manifest.key,
      objectUrl: '',
      compression: 'zstd',
      env,
      dir: scratch,
    };
    log('  DataDir restore of the same snapshot (best of 2)...');
    const dataDirRuns = [await agentDataDir(c), await agentDataDir(c)];
    const dataDir = dataDirRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    log(`    DataDir: ${dataDir.seconds.toFixed(1)} s`);
    const runs = await measureLogical(dir, c, log);
    const reset = await resetLoop(dir, log);
    return {
      gib,
      dbBytes: manifest.raw.size,
      storedBytes: manifest.stored.size,
      dataDir,
      runs,
      reset,
    };
  } finally {
    await s3.stop();
  }
}
