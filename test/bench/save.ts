// Save and inspect: etcd-snapshot against etcdctl/etcdutl on the same data, same run.
// Sizes in GiB of object values from BENCH_SIZES (default "1,4"; issue 11 asks for 1,4,8).
import { createReadStream, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { Etcd3 } from 'etcd3';
import { repoRoot, resolveBinary } from '../support/testbed/binaries.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { startEtcd } from '../support/testbed/etcd.js';
import { createBucket, startVersityGw } from '../support/testbed/versitygw.js';
import { fillEtcd } from './fill.js';
import { measure, type Measurement } from './measure.js';
import type { Row, ZstdLevel } from './report-save.js';

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

/**
 * What our etcd source delivers with nothing downstream: the stream's limit
 * for every save path (the product's own Etcd3SnapshotSource, from dist/).
 */
const RAW_STREAM = `
const { Etcd3SnapshotSource } = await import(process.argv[1]);
const source = new Etcd3SnapshotSource({ endpoints: [process.argv[2]] });
const snap = await source.openSnapshot();
let bytes = 0;
for await (const chunk of snap.bytes) bytes += chunk.length;
await source.close();
console.log(JSON.stringify({ bytes }));
`;

/** Node's zstd (what the pipeline uses) over a whole file, in this process: seconds, CPU and size. */
async function zstdLevel(file: string, level: number): Promise<ZstdLevel> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  let bytes = 0;
  await pipeline(
    createReadStream(file, { highWaterMark: 512 << 10 }),
    zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: level } }),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    level,
    seconds: (Date.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    bytes,
  };
}

/** Every tool on the database as it is now: one row of the tables. */
async function measureSize(ctx: SaveContext, gib: number, objects: number): Promise<Row> {
  const { dir, env, s3dest, fsdest, log } = ctx;
  const endpoint = ctx.etcdEndpoint;
  const [node, ...cli] = productEntrypoint();
  const flags = cli.slice(0, -1);
  const file = path.join(dir, `etcdctl-${gib}.db`);
  const name = (kind: string) => `${kind}-${String(gib).replace('.', 'p')}`;
  const run = async (label: string, cmd: string, args: string[]): Promise<Measurement> => {
    log(`  ${label}...`);
    // Best of two: the machine is shared, and a slow round says nothing about the tool.
    const first = await measure(cmd, args, env);
    const second = await measure(cmd, args, env);
    const m = second.seconds < first.seconds ? second : first;
    log(
      `    ${m.seconds.toFixed(1)} s, ${m.cpuSeconds.toFixed(1)} CPU s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`,
    );
    return m;
  };
  const save = (label: string, to: string, kind: string, extra: string[]) =>
    run(label, node!, [
      ...cli,
      'save',
      '--endpoints',
      endpoint,
      '--to',
      to,
      '--name',
      name(kind),
      '--json',
      ...extra,
    ]);
  const recipient = await identityToRecipient(await generateIdentity());
  const raw = await run('our etcd source -> nothing (the stream itself)', node!, [
    ...flags,
    '--input-type=module',
    '-e',
    RAW_STREAM,
    path.join(repoRoot, 'dist', 'etcd', 'etcd3-source.js'),
    endpoint,
  ]);
  const etcdctl = await run('etcdctl snapshot save (local disk)', resolveBinary('etcdctl'), [
    `--endpoints=${endpoint}`,
    'snapshot',
    'save',
    file,
  ]);
  const fileNone = await save('save -> file, no compression, no summary', fsdest, 'none', [
    '--compression',
    'none',
    '--no-content-summary',
  ]);
  const fileZstd = await save('save -> file (zstd)', fsdest, 'file', []);
  const s3zstd = await save('save -> versitygw (zstd)', s3dest, 'bench', []);
  const s3Age = await save('save -> versitygw (zstd + age)', s3dest, 'age', [
    '--recipient',
    recipient,
  ]);
  const s3Flat = await save('save -> versitygw (zstd, no summary)', s3dest, 'flat', [
    '--no-content-summary',
  ]);
  const status = await run('etcdutl snapshot status', resolveBinary('etcdutl'), [
    'snapshot',
    'status',
    file,
    '-w',
    'json',
  ]);
  const inspect = await run('etcd-snapshot inspect', node!, [...cli, 'inspect', file, '--json']);
  const zstd: ZstdLevel[] = [];
  for (const level of [1, 3, 6]) {
    zstd.push(await zstdLevel(file, level));
    log(`  zstd level ${level}: ${JSON.stringify(zstd.at(-1))}`);
  }
  const manifest = JSON.parse(s3zstd.stdout) as { stored: { size: number } };
  const row: Row = {
    gib,
    objects,
    dbBytes: statSync(file).size,
    storedBytes: manifest.stored.size,
    paths: { raw, etcdctl, fileNone, fileZstd, s3zstd, s3Age, s3Flat },
    status,
    inspect,
    zstd,
  };
  rmSync(file);
  return row;
}
