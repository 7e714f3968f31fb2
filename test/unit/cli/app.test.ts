import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/app.js';
import { UsageError, type Command, type LazyCommand } from '../../../src/cli/command.js';
import { buildInfo } from '../../../src/config/build-info.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const read = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? '';
  return { io: { stdout, stderr, env: {} }, out: read(stdout), err: read(stderr) };
}

const echoCommand: Command = {
  name: 'echo',
  usage: 'Usage: etcd-snapshot echo <words>',
  run: async (args, io) => {
    if (args.length === 0) throw new UsageError('give at least one word');
    if (args[0] === 'boom') throw new Error('storage unreachable: check --endpoint');
    io.stdout.write(`${args.join(' ')}\n`);
    return 0;
  },
};
let loads = 0;
const echo: LazyCommand = {
  name: 'echo',
  summary: 'prints its arguments',
  load: async () => {
    loads++;
    return echoCommand;
  },
};

describe('runCli', () => {
  it('prints the package version for --version', async () => {
    const c = capture();
    expect(await runCli(['--version'], [echo], c.io)).toBe(0);
    expect(c.out()).toBe(`etcd-snapshot ${buildInfo().version}\n`);
    expect(buildInfo().version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists commands for --help and exits 0; with no arguments exits 2', async () => {
    const c = capture();
    expect(await runCli(['--help'], [echo], c.io)).toBe(0);
    expect(c.out()).toMatch(/echo\s+prints its arguments/);
    expect(await runCli([], [echo], c.io)).toBe(2);
  });

  it('lists the commands without loading any of them', async () => {
    loads = 0;
    const c = capture();
    await runCli(['--help'], [echo], c.io);
    expect(loads).toBe(0);
    await runCli(['echo', 'a'], [echo], c.io);
    expect(loads).toBe(1);
  });

  it('dispatches to a command and shows its usage on --help', async () => {
    const c = capture();
    expect(await runCli(['echo', 'a', 'b'], [echo], c.io)).toBe(0);
    expect(c.out()).toBe('a b\n');
    expect(await runCli(['echo', '--help'], [echo], c.io)).toBe(0);
    expect(c.out()).toContain('Usage: etcd-snapshot echo');
  });

  it('names the fix for an unknown command (exit 2)', async () => {
    const c = capture();
    expect(await runCli(['nope'], [echo], c.io)).toBe(2);
    expect(c.err()).toContain("unknown command 'nope'. Run 'etcd-snapshot --help'");
  });

  it('maps usage errors to exit 2 and other errors to exit 1, message only', async () => {
    const c = capture();
    expect(await runCli(['echo'], [echo], c.io)).toBe(2);
    expect(c.err()).toBe('etcd-snapshot echo: give at least one word\n');
    expect(await runCli(['echo', 'boom'], [echo], c.io)).toBe(1);
    expect(c.err()).toBe('etcd-snapshot echo: storage unreachable: check --endpoint\n');
  });
});
