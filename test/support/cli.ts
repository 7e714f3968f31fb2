import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/app.js';
import { commands } from '../../src/cli/commands.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `etcd-snapshot <args>` in-process with its own environment, capturing output. */
export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runCli(args, commands, { stdout, stderr, env });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Like `cli`, but fails the test with the command's stderr unless it exits 0. */
export async function cliOk(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`etcd-snapshot ${args[0]} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** `etcd-snapshot restore --logical --from DEST --name NAME --endpoints URL ...`, in-process. */
export const logicalRestoreCli = (
  dest: string,
  name: string,
  endpoint: string,
  ...args: string[]
) =>
  cli(['restore', '--logical', '--from', dest, '--name', name, '--endpoints', endpoint, ...args]);
