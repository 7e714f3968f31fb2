import type { Writable } from 'node:stream';
import { ProjectError } from '../api/errors.js';

/** Where a command writes; injected so tests can capture output. */
export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One `etcd-snapshot <name>` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/**
 * A command known by name whose module is imported only when it runs (or
 * shows its usage): `save` then never loads the Kubernetes client, nor
 * `operator` gRPC. Loading every command cost 1.2-1.8 s and about 75 MiB
 * of RSS before any work.
 */
export interface LazyCommand {
  readonly name: string;
  /** Its line in `etcd-snapshot --help`, known without loading the module. */
  readonly summary: string;
  load(): Promise<Command>;
}

/** A user-facing error: its message names the fix; printed without a stack trace. */
export class UsageError extends ProjectError {
  override readonly name = 'UsageError';
  readonly code = 'Usage';
  readonly category = 'usage';
}
