import { parseStoreUrl } from '../../src/storage/index.js';
// The ways of getting a stored snapshot into a member's data directory that the
// restore benchmark compares: the restore agent, and the same by hand.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RestoreAgentConfig, RestoreAgentResult } from '../../src/api/agent/index.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { measure, type Measurement } from './measure.js';
import { TreeSampler, type TreeProcess } from './tree-sampler.js';

/** What every path restores: one stored snapshot, as one member, with the operator's defaults. */
export interface RestoreCase {
  /** The store URL the snapshot was saved to (s3://...). */
  readonly destination: string;
  /** Its key relative to the destination, and the full object key in the bucket. */
  readonly key: string;
  readonly objectUrl: string;
  readonly compression: 'zstd' | 'none';
  readonly env: NodeJS.ProcessEnv;
  /** A scratch directory on the same filesystem, emptied after each path. */
  readonly dir: string;
}

/** A step of a path: wall time and peak RSS of the process that ran it. */
export interface Step {
  readonly label: string;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

export interface PathRun {
  readonly seconds: number;
  readonly steps: readonly Step[];
  /** The agent's own peak RSS (node), apart from the etcdutl it runs. */
  readonly agentPeakRssMiB?: number;
  /** The agent's own CPU seconds (user + system), apart from the etcdutl it runs. */
  readonly agentCpuSeconds?: number;
  readonly result?: RestoreAgentResult;
}

const MEMBER = 'm1';
const PEER = 'http://127.0.0.1:2380';
const TOKEN = 'restored';
const BUMP = 1_000_000_000;
const STAMP = '20260301T120000Z';

/** `etcdutl snapshot restore` with the flags the agent passes for a DataDir restore. */
export function etcdutlRestoreArgs(file: string, dataDir: string): string[] {
  return [
    'snapshot',
    'restore',
    file,
    `--data-dir=${dataDir}`,
    `--name=${MEMBER}`,
    `--initial-cluster=${MEMBER}=${PEER}`,
    `--initial-cluster-token=${TOKEN}`,
    `--initial-advertise-peer-urls=${PEER}`,
    `--bump-revision=${BUMP}`,
    '--mark-compacted',
  ];
}

function agentConfig(c: RestoreCase, extra: Partial<RestoreAgentConfig>): RestoreAgentConfig {
  return {
    apiVersion: 'etcdsnapshot.dev/v1alpha1',
    kind: 'RestoreAgentConfig',
    restore: { namespace: 'bench', name: 'restore', uid: 'u-1' },
    job: 'restore-bench',
    mode: 'DataDir',
    dryRun: false,
    source: { store: parseStoreUrl(c.destination), key: c.key },
    workDir: c.dir,
    ...extra,
  };
}

/** Runs `etcd-snapshot agent restore` sampling its process tree; throws unless it succeeded. */
async function runAgent(
  c: RestoreCase,
  config: RestoreAgentConfig,
): Promise<{
  seconds: number;
  tree: TreeProcess[];
  started: number;
  result: RestoreAgentResult;
}> {
  const file = path.join(c.dir, 'agent-config.json');
  const log = path.join(c.dir, 'termination.log');
  writeFileSync(file, JSON.stringify(config));
  const [node, ...cli] = productEntrypoint();
  const env = { ...c.env, ETCD_SNAPSHOT_ETCDUTL: resolveBinary('etcdutl') };
  const started = Date.now();
  const child = spawn(
    node!,
    [...cli, 'agent', 'restore', '--config', file, '--termination-log', log],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const sampler = new TreeSampler(child.pid!);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const seconds = (Date.now() - started) / 1000;
  const tree = sampler.stop();
  const result = JSON.parse(readFileSync(log, 'utf8')) as RestoreAgentResult;
  if (code !== 0 || !result.succeeded)
    throw new Error(`agent restore exited ${code}: ${result.message} ${stderr}`);
  return { seconds, tree, started, result };
}

/**
 * Ours: the agent in DataDir mode downloads, verifies and decompresses the
 * snapshot beside the data directory, runs etcdutl and swaps. Its steps are
 * split by when etcdutl ran (sampled), and the agent's own (node) peak RSS is
 * kept apart from etcdutl's.
 */
export async function agentDataDir(c: RestoreCase): Promise<PathRun> {
  const dataDir = path.join(c.dir, 'ours', 'etcd');
  // The member's old data, as in a real restore: checked for etcd's lock, then kept aside.
  mkdirSync(path.join(dataDir, 'member', 'snap'), { recursive: true });
  writeFileSync(path.join(dataDir, 'member', 'snap', 'db'), 'old');
  try {
    const { seconds, tree, started } = await runAgent(
      c,
      agentConfig(c, {
        dataDir: {
          member: { name: MEMBER, peerURL: PEER },
          dataDir,
          swap: 'directory',
          initialCluster: `${MEMBER}=${PEER}`,
          initialClusterToken: TOKEN,
          bumpRevision: BUMP,
          markCompacted: true,
          stamp: STAMP,
        },
      }),
    );
    const agent = tree[0]!;
    const etcdutl = tree.find((p) => p.command === 'etcdutl');
    if (!etcdutl) throw new Error('the agent ran no etcdutl that the sampler saw');
    const fetchSeconds = (etcdutl.firstSeen - started) / 1000;
    const etcdutlSeconds = (etcdutl.lastSeen - etcdutl.firstSeen) / 1000;
    return {
      seconds,
      agentPeakRssMiB: agent.peakRssMiB,
      steps: [
        { label: 'fetch', seconds: fetchSeconds, peakRssMiB: agent.peakRssMiB },
        { label: 'etcdutl', seconds: etcdutlSeconds, peakRssMiB: etcdutl.peakRssMiB },
        { label: 'swap + exit', seconds: seconds - fetchSeconds - etcdutlSeconds, peakRssMiB: 0 },
      ],
    };
  } finally {
    rmSync(path.join(c.dir, 'ours'), { recursive: true, force: true });
  }
}

/** Ours, Logical: the agent replays the snapshot's keys into a live, empty etcd. */
export async function agentLogical(c: RestoreCase, endpoint: string): Promise<PathRun> {
  const { seconds, tree, result } = await runAgent(
    c,
    agentConfig(c, {
      mode: 'Logical',
      logical: {
        etcd: { endpoints: [endpoint], dialTimeout: '5s', streamIdleTimeout: '60s' },
        prefix: '',
        overwrite: false,
      },
    }),
  );
  const peak = tree[0]!.peakRssMiB;
  return {
    seconds,
    agentPeakRssMiB: peak,
    agentCpuSeconds: tree[0]!.cpuSeconds,
    result,
    steps: [{ label: 'agent', seconds, peakRssMiB: peak }],
  };
}

async function steps(
  run: Array<[label: string, command: string, args: string[]]>,
  env: NodeJS.ProcessEnv,
): Promise<PathRun> {
  const done: Step[] = [];
  for (const [label, command, args] of run) {
    const m: Measurement = await measure(command, args, env);
    done.push({ label, seconds: m.seconds, peakRssMiB: m.peakRssMiB });
  }
  return { seconds: done.reduce((sum, s) => sum + s.seconds, 0), steps: done };
}

/** By hand with our CLI: `etcd-snapshot get` (download, verify, decompress) then etcdutl. */
export async function manualGet(c: RestoreCase): Promise<PathRun> {
  const [node, ...cli] = productEntrypoint();
  const file = path.join(c.dir, 'manual.db');
  try {
    return await steps(
      [
        ['get', node!, [...cli, 'get', '--from', c.destination, '--snapshot', c.key, '-o', file]],
        ['etcdutl', resolveBinary('etcdutl'), etcdutlRestoreArgs(file, path.join(c.dir, 'manual'))],
      ],
      c.env,
    );
  } finally {
    rmSync(file, { force: true });
    rmSync(path.join(c.dir, 'manual'), { recursive: true, force: true });
  }
}

/** Whether the aws CLI and zstd run here: the generic by-hand path is measured only then. */
export function hasGenericTools(): boolean {
  return ['aws', 'zstd'].every((tool) => spawnSync(tool, ['--version']).status === 0);
}

/**
 * By hand with generic tools, as without etcd-snapshot: `aws s3 cp`, `zstd -d`
 * (zstd objects), etcdutl. No digest is checked beyond etcdutl's own.
 */
export async function manualAws(c: RestoreCase, endpoint: string): Promise<PathRun> {
  const stored = path.join(c.dir, c.compression === 'zstd' ? 'plain.db.zst' : 'plain.db');
  const file = path.join(c.dir, 'plain.db');
  const run: Array<[string, string, string[]]> = [
    [
      'aws s3 cp',
      'aws',
      ['s3', 'cp', '--only-show-errors', c.objectUrl, stored, '--endpoint-url', endpoint],
    ],
  ];
  if (c.compression === 'zstd')
    run.push(['zstd -d', 'zstd', ['-d', '-q', '--rm', stored, '-o', file]]);
  run.push([
    'etcdutl',
    resolveBinary('etcdutl'),
    etcdutlRestoreArgs(file, path.join(c.dir, 'plain')),
  ]);
  try {
    return await steps(run, c.env);
  } finally {
    rmSync(stored, { force: true });
    rmSync(file, { force: true });
    rmSync(path.join(c.dir, 'plain'), { recursive: true, force: true });
  }
}
