// `make bench`: every benchmark, or those named in BENCH_ONLY (comma-separated: save, operator, restore, logical).
// Figures go to docs/benchmarks.md; the sections of benchmarks not run are kept as they were.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, resolveBinary } from '../support/testbed/binaries.js';
import { runOperatorBench } from './operator.js';
import { renderOperatorSection } from './report-operator.js';
import { mergeReport, type SectionId } from './report.js';
import { renderSave } from './report-save.js';
import { renderRestoreSection } from './report-restore.js';
import { runRestoreBench } from './restore.js';
import { runLogicalBench } from './logical.js';
import { logicalAnalysis, renderLogicalSection } from './report-logical.js';
import { runSaveBench, saveBenchSizes } from './save.js';

const GiB = 1024 ** 3;
const benches: Record<SectionId, (dir: string, when: Date) => Promise<string[]>> = {
  save: async (dir, when) => renderSave(await runSaveBench(dir, log), saveBenchSizes(), when),
  operator: async (dir, when) => {
    const figures = await runOperatorBench(dir, log);
    log(`figures: ${JSON.stringify(figures)}`);
    return renderOperatorSection(figures, when);
  },
  restore: async (dir, when) => {
    const bench = await runRestoreBench(dir, log);
    log(`figures: ${JSON.stringify(bench)}`);
    return renderRestoreSection(bench, when);
  },
  logical: async (dir, when) => {
    const bench = await runLogicalBench(dir, log);
    log(`figures: ${JSON.stringify(bench)}`);
    return renderLogicalSection(bench, when, logicalAnalysis(bench));
  },
};
const log = (line: string) => process.stdout.write(`${line}\n`);

function selected(): SectionId[] {
  const names = (process.env.BENCH_ONLY ?? Object.keys(benches).join(',')).split(',');
  const unknown = names.filter((n) => !(n in benches));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}`);
  return names as SectionId[];
}

function machine(dir: string): Record<string, string | number> {
  const version = (binary: string, flag: string) =>
    execFileSync(resolveBinary(binary), [flag], { encoding: 'utf8' }).split('\n')[0]!;
  return {
    cpu:
      (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / GiB),
    kernel: os.release(),
    node: process.version,
    etcd: version('etcd', '--version'),
    kubernetes: version('kube-apiserver', '--version'),
    disk: execFileSync('df', ['-h', '--output=source,fstype', dir], { encoding: 'utf8' })
      .split('\n')[1]!
      .trim(),
  };
}

async function main(): Promise<void> {
  const only = selected();
  const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-'));
  const sections: Partial<Record<SectionId, string[]>> = {};
  for (const id of only) {
    log(`== ${id}`);
    sections[id] = await benches[id](path.join(dir, id), new Date());
  }
  const out = path.join(repoRoot, 'docs', 'benchmarks.md');
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  writeFileSync(out, mergeReport(previous, sections, machine(dir)));
  log(`wrote ${out}`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
