// Restore: `etcd-snapshot agent restore` (DataDir) against downloading the same
// stored snapshot and running `etcdutl snapshot restore` by hand, same run, same data.
// Sizes in GiB of object values from BENCH_RESTORE_SIZES, else BENCH_SIZES (default "1,4").
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { startEtcd } from '../support/testbed/etcd.js';
import { createBucket, startVersityGw, type S3Server } from '../support/testbed/versitygw.js';
import { cliStartSeconds, fetchStages, type StageTiming } from './fetch-stages.js';
import { fillEtcd } from './fill.js';
import { measure } from './measure.js';
import {
  agentDataDir,
  hasGenericTools,
  manualAws,
  manualGet,
  type PathRun,
  type RestoreCase,
} from './restore-paths.js';

const GiB = 1024 ** 3;
const BUCKET = 'bench';
const PREFIX = 'runs';

/** One stored object and every path measured on it, `rounds` times each. */
export interface RestoreCaseRow {
  readonly compression: 'zstd' | 'none';
  readonly storedBytes: number;
  readonly ours: readonly PathRun[];
  readonly manual: readonly PathRun[];
  readonly generic: readonly PathRun[];
  /** The fetch pipeline built up stage by stage, in the benchmark's process. */
  readonly stages: readonly StageTiming[];
}

export interface RestoreRow {
  readonly gib: number;
  readonly objects: number;
  readonly dbBytes: number;
  readonly cases: readonly RestoreCaseRow[];
}

export interface RestoreBench {
  readonly sizes: readonly number[];
  readonly rounds: number;
  /** `etcd-snapshot --help`: what starting the agent's process costs before any work. */
  readonly cliStartSeconds: number;
  readonly rows: readonly RestoreRow[];
}

export function restoreBenchSizes(): number[] {
  return (process.env.BENCH_RESTORE_SIZES ?? process.env.BENCH_SIZES ?? '1,4')
    .split(',')
    .map(Number);
}

interface Saved {
  readonly gib: number;
  readonly objects: number;
  readonly manifests: ReadonlyArray<SnapshotManifest>;
}

/** Fills one etcd size after size and saves each to S3 (zstd; also uncompressed at the smallest). */
async function fillAndSave(
  dir: string,
  s3: S3Server,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<Saved[]> {
  const etcd = await startEtcd({
    dir: path.join(dir, 'etcd'),
    extraArgs: ['--quota-backend-bytes=10737418240', '--snapshot-count=1000000'],
  });
  const client = new Etcd3({ hosts: etcd.endpoint });
  const [node, ...cli] = productEntrypoint();
  const saved: Saved[] = [];
  let filled = 0;
  let next = 0;
  try {
    for (const [i, gib] of restoreBenchSizes().entries()) {
      log(`filling etcd to ${gib} GiB of object values...`);
      const r = await fillEtcd(client, gib * GiB - filled, next);
      filled += r.bytes;
      next = r.nextIndex;
      const manifests: SnapshotManifest[] = [];
      for (const compression of i === 0 ? ['zstd', 'none'] : ['zstd']) {
        const name = `restore-${compression}-${String(gib).replace('.', 'p')}`;
        log(`  etcd-snapshot save ${name}...`);
        const m = await measure(
          node!,
          [
            ...cli,
            'save',
            '--endpoints',
            etcd.endpoint,
            '--to',
            destination(s3),
            '--name',
            name,
          ].concat(['--compression', compression, '--json']),
          env,
        );
        manifests.push(JSON.parse(m.stdout) as SnapshotManifest);
      }
      saved.push({ gib, objects: next, manifests });
    }
  } finally {
    client.close();
    await etcd.stop();
    // The restores need the disk more than this etcd's data.
    rmSync(path.join(dir, 'etcd'), { recursive: true, force: true });
  }
  return saved;
}

const destination = (s3: S3Server) =>
  `s3://${BUCKET}/${PREFIX}?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;

const summarise = (r: PathRun) =>
  `${r.seconds.toFixed(1)} s (${r.steps.map((s) => `${s.label} ${s.seconds.toFixed(1)} s/${s.peakRssMiB.toFixed(0)} MiB`).join(', ')})`;

/** Each path `rounds` times, the order reversed every other round so none always runs warm. */
async function measureCase(
  c: RestoreCase,
  rounds: number,
  endpoint: string,
  log: (line: string) => void,
): Promise<Pick<RestoreCaseRow, 'ours' | 'manual' | 'generic'>> {
  const generic = hasGenericTools();
  const runs = { ours: [] as PathRun[], manual: [] as PathRun[], generic: [] as PathRun[] };
  const paths: Array<[keyof typeof runs, () => Promise<PathRun>]> = [
    ['ours', () => agentDataDir(c)],
    ['manual', () => manualGet(c)],
    ...(generic
      ? [['generic', () => manualAws(c, endpoint)] as [keyof typeof runs, () => Promise<PathRun>]]
      : []),
  ];
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 === 0 ? paths : [...paths].reverse()) {
      const r = await run();
      log(`    ${c.compression} round ${round + 1} ${name}: ${summarise(r)}`);
      runs[name].push(r);
    }
  }
  return runs;
}

export async function runRestoreBench(
  dir: string,
  log: (line: string) => void,
): Promise<RestoreBench> {
  mkdirSync(dir, { recursive: true });
  const rounds = Number(process.env.BENCH_RESTORE_ROUNDS ?? 3);
  const s3 = await startVersityGw({ dir: path.join(dir, 's3') });
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_DEFAULT_REGION: s3.region,
  };
  const rows: RestoreRow[] = [];
  try {
    await createBucket(s3, BUCKET);
    const saved = await fillAndSave(dir, s3, env, log);
    const scratch = path.join(dir, 'scratch');
    mkdirSync(scratch);
    for (const s of saved) {
      log(
        `restoring the ${s.gib} GiB snapshots (${(s.manifests[0]!.raw.size / GiB).toFixed(2)} GiB database)...`,
      );
      const cases: RestoreCaseRow[] = [];
      for (const m of s.manifests) {
        const c: RestoreCase = {
          destination: destination(s3),
          key: m.key,
          objectUrl: `s3://${BUCKET}/${PREFIX}/${m.key}`,
          compression: m.compression === 'none' ? 'none' : 'zstd',
          env,
          dir: scratch,
        };
        const runs = await measureCase(c, rounds, s3.endpoint, log);
        const stages = await fetchStages({
          ...c,
          compression: m.compression,
          file: path.join(scratch, 'stages.db'),
          rounds,
        });
        log(
          `    ${c.compression} fetch stages: ${stages.map((t) => `${t.label} ${t.seconds.toFixed(1)} s`).join(', ')}`,
        );
        cases.push({ compression: c.compression, storedBytes: m.stored.size, ...runs, stages });
      }
      rows.push({
        gib: s.gib,
        objects: s.objects,
        dbBytes: s.manifests[0]!.raw.size,
        cases,
      });
    }
  } finally {
    await s3.stop();
  }
  const start = await cliStartSeconds(rounds);
  return { sizes: restoreBenchSizes(), rounds, cliStartSeconds: start, rows };
}
