import { EXIT_CODES, exitCodeOf } from '../api/errors.js';
import { buildInfo } from '../config/build-info.js';
import { type CliIO, type LazyCommand } from './command.js';

const PROGRAM = 'etcd-snapshot';

export function helpText(commands: readonly LazyCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `${PROGRAM} ${buildInfo().version}: verified, point-in-time etcd snapshots`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    `       ${PROGRAM} --version | --help`,
    '',
    'Commands:',
    ...lines,
    '',
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

/** Dispatches argv to a subcommand; never throws, always returns an exit code. */
export async function runCli(
  argv: readonly string[],
  commands: readonly LazyCommand[],
  io: CliIO,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(helpText(commands));
    return first === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`${PROGRAM} ${buildInfo().version}\n`);
    return EXIT_CODES.ok;
  }
  const entry = commands.find((c) => c.name === first);
  if (!entry) {
    io.stderr.write(
      `${PROGRAM}: unknown command '${first}'. Run '${PROGRAM} --help' to list the commands.\n`,
    );
    return EXIT_CODES.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT_CODES.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`${PROGRAM} ${command.name}: ${message}\n`);
    return exitCodeOf(err);
  }
}
