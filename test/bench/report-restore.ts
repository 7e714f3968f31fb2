import type { PathRun } from './restore-paths.js';
import type { RestoreBench, RestoreCaseRow, RestoreRow } from './restore.js';

const GiB = 1024 ** 3;
const MB = 1e6;
const TARGET = 1.2;
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const mib = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0));
const gib = (bytes: number) => `${f2(bytes / GiB)} GiB`;

/** The fastest of a path's rounds (the others lost time to the machine's other work). */
export function best(runs: readonly PathRun[]): PathRun | undefined {
  return runs.reduce<PathRun | undefined>(
    (a, b) => (a && a.seconds <= b.seconds ? a : b),
    undefined,
  );
}

const step = (r: PathRun | undefined, label: string) => r?.steps.find((s) => s.label === label);
const secs = (r: PathRun | undefined, label: string) => {
  const s = step(r, label);
  return s ? f1(s.seconds) : '-';
};
const ratio = (ours: PathRun, other: PathRun | undefined) =>
  other ? f2(ours.seconds / other.seconds) : '-';

function comparisonRow(row: RestoreRow, c: RestoreCaseRow): string {
  const ours = best(c.ours)!;
  const manual = best(c.manual);
  const generic = best(c.generic);
  const cells = [
    gib(row.dbBytes),
    c.compression,
    gib(c.storedBytes),
    f1(ours.seconds),
    f1(manual?.seconds ?? NaN),
    ratio(ours, manual),
    generic ? f1(generic.seconds) : '-',
    ratio(ours, generic),
    mib(Math.max(...c.ours.map((r) => r.agentPeakRssMiB ?? 0))),
    mib(Math.max(...c.ours.map((r) => step(r, 'etcdutl')?.peakRssMiB ?? 0))),
    mib(step(manual, 'get')?.peakRssMiB),
  ];
  return `| ${cells.join(' | ')} |`;
}

function breakdownRow(row: RestoreRow, c: RestoreCaseRow): string {
  const ours = best(c.ours);
  const manual = best(c.manual);
  const generic = best(c.generic);
  const fetch = step(ours, 'fetch');
  const cells = [
    gib(row.dbBytes),
    c.compression,
    secs(ours, 'fetch'),
    fetch ? f1(row.dbBytes / MB / fetch.seconds) : '-',
    secs(ours, 'etcdutl'),
    secs(ours, 'swap + exit'),
    secs(manual, 'get'),
    secs(manual, 'etcdutl'),
    secs(generic, 'aws s3 cp'),
    secs(generic, 'zstd -d'),
    secs(generic, 'etcdutl'),
  ];
  return `| ${cells.join(' | ')} |`;
}

function stagesRow(row: RestoreRow, c: RestoreCaseRow): string {
  const cells = c.stages.map((t) => `${f1(t.seconds)} (${f1(t.cpuSeconds)})`);
  return `| ${gib(row.dbBytes)} | ${c.compression} | ${cells.join(' | ')} |`;
}

/** The worst ratio ours/manual over every size (zstd, as the operator stores snapshots). */
export function worstRatio(bench: RestoreBench, other: 'manual' | 'generic'): number | undefined {
  const ratios = bench.rows.flatMap((row) =>
    row.cases
      .filter((c) => c.compression === 'zstd' && c[other].length > 0)
      .map((c) => best(c.ours)!.seconds / best(c[other])!.seconds),
  );
  return ratios.length ? Math.max(...ratios) : undefined;
}

/** What stage `i` added to the pipeline before it (0 when the runs' noise says less). */
const stageDelta = (c: RestoreCaseRow, i: number) =>
  Math.max(0, (c.stages[i]?.seconds ?? NaN) - (c.stages[i - 1]?.seconds ?? 0));

/** The largest size's zstd case: where the analysis takes its figures. */
function largest(bench: RestoreBench): [RestoreRow, RestoreCaseRow] | undefined {
  const row = bench.rows.at(-1);
  const c = row?.cases.find((x) => x.compression === 'zstd');
  return row && c ? [row, c] : undefined;
}

function analysis(bench: RestoreBench): string[] {
  const worst = worstRatio(bench, 'manual');
  const worstGeneric = worstRatio(bench, 'generic');
  const verdict = (r: number | undefined) =>
    r === undefined ? 'not measured' : `${f2(r)}: ${r <= TARGET ? 'met' : 'not met'}`;
  const agentPeaks = bench.rows.map(
    (row) =>
      `${mib(Math.max(...row.cases.flatMap((c) => c.ours.map((r) => r.agentPeakRssMiB ?? 0))))} MiB at ${gib(row.dbBytes)}`,
  );
  const lines = [
    '### What the targets say',
    '',
    `- **Time against \`get\` + etcdutl** (target ${TARGET}x), worst ratio ${verdict(worst)}. Both download and verify with the`,
    '  same code (src/snapshot/pipeline/fetch.ts) and run the same etcdutl; the agent adds the catalog read, two lock checks and',
    '  the swap (the "swap + exit" column).',
    `- **Time against aws + zstd + etcdutl**, worst ratio ${verdict(worstGeneric)}. etcdutl takes the same time on every`,
    '  path; the difference is the fetch.',
  ];
  const big = largest(bench);
  const generic = big && best(big[1].generic);
  if (big && generic) {
    const [row, c] = big;
    const ours = best(c.ours)!;
    const fetch = step(ours, 'fetch')!.seconds;
    const hand = step(generic, 'aws s3 cp')!.seconds + (step(generic, 'zstd -d')?.seconds ?? 0);
    const last = c.stages.at(-1)!;
    lines.push(
      `  At ${gib(row.dbBytes)} our fetch takes ${f1(fetch)} s against ${f1(hand)} s for \`aws s3 cp\` + \`zstd -d\`. Built up stage`,
      `  by stage (table above), the download takes ${f1(c.stages[0]!.seconds)} s; the stored object's sha256 adds ${f1(stageDelta(c, 1))} s, zstd through`,
      `  Node's zlib stream ${f1(stageDelta(c, 2))} s (the zstd CLI: ${secs(generic, 'zstd -d')} s with its own reads and writes), the database's sha256`,
      `  ${f1(stageDelta(c, 3))} s, writing the file ${f1(stageDelta(c, 4))} s; starting the process ${f1(bench.cliStartSeconds)} s. The whole pipeline keeps ${f1(last.cpuSeconds / last.seconds)} cores`,
      '  busy on average: on 2 cores shared with the S3 server it is CPU-bound. The two sha256s (which the generic path',
      "  does not compute) and Node's decompression make most of the difference.",
    );
  }
  lines.push(
    `- **Memory.** The agent's peak RSS is flat: ${agentPeaks.join(', ')} (the highest of its rounds). etcdutl's`,
    '  grows with the database (it maps the whole file), the same on every path: a DataDir Job needs memory for',
    '  etcdutl, not for the agent.',
    '',
    '### What was fixed, and what would close the gap',
    '',
    "- **Fixed:** the decompressor wrote 16 KiB chunks (zlib's default), one thread-pool round trip each. With",
    '  64 KiB chunks `etcd-snapshot get` of the 1.2 GB database went from 8.4-10.7 s to 5.1-6.7 s and from 7.6-8.4 to',
    '  4.7-5.3 CPU seconds (alternating runs, by hand on this machine). On 2026-12-08 this benchmark, run once per',
    '  chunk size (best of two, zstd), fetched in 5.5 s at 144 MiB with 64 KiB chunks, 4.3 s at 164 MiB with 256 KiB',
    '  and 4.8 s at 172 MiB with 1 MiB: 256 KiB is the default now.',
    '- **Proposed: one database hash, not two, in DataDir mode.** etcdutl hashes the database it copied and compares',
    "  it with etcd's sha256 trailer before it changes anything (a mismatch fails inside its new directory, which the",
    "  agent never swaps in), and the manifest's database sha256 is that trailer. Comparing the trailer bytes with the",
    '  manifest and leaving the hashing to etcdutl would save the "+ etcd\'s sha256" stage; the stored object\'s sha256',
    '  is still checked. Not done here: it changes what the agent verifies itself.',
    "- **Start-up.** Each command's modules load only when it runs; the agent's (the AWS SDK, gRPC, age, pino) take",
    '  the start-up above and about 97 MiB before any work.',
    "- Node's zstd stream costs about twice the CPU of the zstd CLI even with 256 KiB chunks (per-chunk thread-pool",
    "  round trips and JavaScript stream machinery); a faster decompressor would need native code outside zlib's stream",
    '  API. Parallel ranged GETs (what `aws s3 cp` does) would help uncompressed objects only: with zstd the download',
    '  is the cheapest stage.',
  );
  return lines;
}

/** The restore section of docs/benchmarks.md. */
export function renderRestoreSection(bench: RestoreBench, when: Date): string[] {
  const all = bench.rows.flatMap((row) => row.cases.map((c) => [row, c] as const));
  const stageLabels = all[0]?.[1].stages.map((t) => t.label) ?? [];
  return [
    '## Restore: `etcd-snapshot agent restore` vs download + `etcdutl snapshot restore`',
    '',
    `Measured on ${when.toISOString().slice(0, 10)} (\`BENCH_SIZES=${bench.sizes.join(',')}\`, best of ${bench.rounds} rounds; the rounds alternate the order`,
    'of the paths). The snapshot is saved by `etcd-snapshot save` to versitygw on the same machine, as the operator',
    'stores it (zstd; uncompressed too at the smallest size). Every path restores it as one member with the',
    "operator's defaults (`--bump-revision=1000000000 --mark-compacted`) into a new directory on the same disk.",
    '',
    '- **ours**: `etcd-snapshot agent restore`, DataDir mode, run as the Job runs it: resolve the snapshot, download,',
    "  check the stored sha256, decompress, check etcd's sha256, fsync, `etcdutl snapshot restore`, swap.",
    '- **get + etcdutl**: by hand with our CLI: `etcd-snapshot get` (the same download and checks) to a file, then etcdutl.',
    '- **aws + zstd + etcdutl**: by hand with generic tools: `aws s3 cp`, `zstd -d`, etcdutl. No digest is checked',
    "  beyond etcdutl's own (the database against its sha256 trailer).",
    '',
    "Ratio = ours / that path (target: at most 1.2). RSS: the agent's own node process and the etcdutl it runs, each",
    'its kernel high-water mark (VmHWM, sampled every 100 ms, so no peak is missed); `get` under GNU time.',
    '',
    '| database | stored as | object | ours s | get + etcdutl s | ratio | aws + zstd + etcdutl s | ratio | agent RSS MiB | etcdutl RSS MiB | get RSS MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...all.map(([row, c]) => comparisonRow(row, c)),
    '',
    'Where the time goes, in seconds. Ours is split by when etcdutl ran: fetch = from the start of the process to',
    'etcdutl (node start-up, catalog read, download and checks); MB/s: of database, through that fetch.',
    '',
    '| database | stored as | ours: fetch | MB/s | etcdutl | swap + exit | get | etcdutl | aws s3 cp | zstd -d | etcdutl |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...all.map(([row, c]) => breakdownRow(row, c)),
    '',
    'The fetch pipeline (src/snapshot/pipeline/fetch.ts) built up one stage at a time, each from the start, fastest of',
    `${bench.rounds} runs: seconds (CPU seconds of the process, thread pool included). It runs inside the benchmark's own`,
    "process (tsx, V8's default young generation), so the totals differ from the agent's fetch above; what each stage",
    `adds is the point. Starting the agent's process (\`etcd-snapshot agent --help\`) takes ${f1(bench.cliStartSeconds)} s.`,
    '',
    `| database | stored as | ${stageLabels.join(' | ')} |`,
    `| --- | --- | ${stageLabels.map(() => '---').join(' | ')} |`,
    ...all.map(([row, c]) => stagesRow(row, c)),
    '',
    ...analysis(bench),
  ];
}
