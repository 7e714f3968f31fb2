// Save and inspect: etcd-snapshot against etcdctl/etcdutl on the same data, same run.
// Sizes in GiB of object values from BENCH_SIZES (default "1,4").
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { resolveBinary } from '../support/testbed/binaries.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { startEtcd } from '../support/testbed/etcd.js';
import { createBucket, startVersityGw } from '../support/testbed/versitygw.js';
import { fillEtcd } from './fill.js';
import { measure, type Measurement } from './measure.js';
import type { Row } from './report.js';

const GiB = 1024 ** 3;

export function saveBenchSizes(): number[] {
  return (process.env.BENCH_SIZES ?? '1,4').split(',').map(Number);
}

export async function runSaveBench(dir: string, log: (line: string) => void): Promise<Row[]> {
  mkdirSync(dir, { recursive: true });
  const sizes = saveBenchSizes();
  const [etcd, s3] = await Promise.all([
    startEtcd({
      dir: path.join(dir, 'etcd'),
      extraArgs: ['--quota-backend-bytes=10737418240', '--snapshot-count=1000000'],
    }),
    startVersityGw({ dir: path.join(dir, 's3') }),
  ]);
  await createBucket(s3, 'bench');
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const s3dest = `s3://bench/runs?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;
  const fsdest = `file://${path.join(dir, 'fsdest')}`;
  mkdirSync(path.join(dir, 'fsdest'));
  const client = new Etcd3({ hosts: etcd.endpoint });
  const rows: Row[] = [];
  let filled = 0;
  let next = 0;
  try {
    for (const gib of sizes) {
      log(`filling etcd to ${gib} GiB of object values...`);
      const r = await fillEtcd(client, gib * GiB - filled, next);
      filled += r.bytes;
      next = r.nextIndex;
      const dbSize = Number((await client.maintenance.status()).dbSize);
      log(`  ${next} objects, database ${(dbSize / GiB).toFixed(2)} GiB`);
      rows.push(
        await measureSize(
          { dir, etcdEndpoint: etcd.endpoint, env, s3dest, fsdest, log },
          gib,
          next,
        ),
      );
      rmSync(path.join(dir, 'fsdest'), { recursive: true });
      mkdirSync(path.join(dir, 'fsdest'));
    }
  } finally {
    client.close();
    await Promise.all([etcd.stop(), s3.stop()]);
  }
  return rows;
}

interface SaveContext {
  readonly dir: string;
  readonly etcdEndpoint: string;
  readonly env: NodeJS.ProcessEnv;
  readonly s3dest: string;
  readonly fsdest: string;
  readonly log: (line: string) => void;
}

/** Every tool on the database as it is now: one row of the tables. */
async function measureSize(ctx: SaveContext, gib: number, objects: number): Promise<Row> {
  const { dir, env, s3dest, fsdest, log } = ctx;
  const etcd = { endpoint: ctx.etcdEndpoint };
  const [node, ...cli] = productEntrypoint();
  const file = path.join(dir, `etcdctl-${gib}.db`);
  const run = async (label: string, cmd: string, args: string[]): Promise<Measurement> => {
    log(`  ${label}...`);
    const m = await measure(cmd, args, env);
    log(`    ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`);
    return m;
  };
  const etcdctl = await run('etcdctl snapshot save (local disk)', resolveBinary('etcdctl'), [
    `--endpoints=${etcd.endpoint}`,
    'snapshot',
    'save',
    file,
  ]);
  const s3zstd = await run('etcd-snapshot save -> versitygw (zstd)', node!, [
    ...cli,
    'save',
    '--endpoints',
    etcd.endpoint,
    '--to',
    s3dest,
    '--name',
    `bench-${String(gib).replace('.', 'p')}`,
    '--json',
  ]);
  const fsZstd = await run('etcd-snapshot save -> file (zstd)', node!, [
    ...cli,
    'save',
    '--endpoints',
    etcd.endpoint,
    '--to',
    fsdest,
    '--name',
    `bench-${String(gib).replace('.', 'p')}`,
    '--json',
  ]);
  const s3Flat = await run('etcd-snapshot save -> versitygw (zstd, --no-content-summary)', node!, [
    ...cli,
    'save',
    '--endpoints',
    etcd.endpoint,
    '--to',
    s3dest,
    '--name',
    `flat-${String(gib).replace('.', 'p')}`,
    '--no-content-summary',
    '--json',
  ]);
  const status = await run('etcdutl snapshot status', resolveBinary('etcdutl'), [
    'snapshot',
    'status',
    file,
    '-w',
    'json',
  ]);
  const inspect = await run('etcd-snapshot inspect', node!, [...cli, 'inspect', file, '--json']);
  const manifest = JSON.parse(s3zstd.stdout) as {
    raw: { size: number };
    stored: { size: number };
  };
  const row: Row = {
    gib,
    objects,
    dbBytes: statSync(file).size,
    storedBytes: manifest.stored.size,
    etcdctl,
    s3zstd,
    fsZstd,
    s3Flat,
    status,
    inspect,
  };
  rmSync(file);
  return row;
}
