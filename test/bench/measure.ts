import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement {
  readonly seconds: number;
  /** User + system CPU seconds of the process and its threads (and of children it waited for). */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
}

/**
 * Runs a command under GNU time: wall seconds, CPU seconds and peak RSS (max
 * resident set size of the process, as the kernel counts it).
 */
export function measure(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const statsFile = `/tmp/bench-time-${process.pid}-${Date.now()}`;
    const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', '-o', statsFile, command, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
      const [seconds, kb, user, system] = readFileSync(statsFile, 'utf8')
        .trim()
        .split(/\s+/)
        .slice(-4)
        .map(Number);
      resolve({ seconds: seconds!, cpuSeconds: user! + system!, peakRssMiB: kb! / 1024, stdout });
    });
  });
}
