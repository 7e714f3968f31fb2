import type { Writable } from 'node:stream';

/** Where a command writes; injected so tests can capture output. */
export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One `etcd-snapshot <name>` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  etcd: 3,
  storage: 4,
  integrity: 5,
  refused: 6,
} as const;

/**
 * Which exit code an error ends the process with, by `<class name>:<code>`
 * or `<class name>:*` (no SDK imports here): a store's own checksum failing
 * is an integrity failure, like our digests; other storage errors are storage.
 */
const EXIT_BY_ERROR: Record<string, number> = {
  'UsageError:*': ExitCode.usage,
  'EtcdError:*': ExitCode.etcd,
  'StorageError:Corrupt': ExitCode.integrity,
  'StorageError:*': ExitCode.storage,
  'DigestError:*': ExitCode.integrity,
  'SnapshotFormatError:*': ExitCode.integrity,
  'ManifestError:*': ExitCode.integrity,
  'EncryptionError:*': ExitCode.integrity,
  'RefusedError:*': ExitCode.refused,
};

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof Error)) return ExitCode.failure;
  const code = String((err as { code?: unknown }).code);
  return EXIT_BY_ERROR[`${err.name}:${code}`] ?? EXIT_BY_ERROR[`${err.name}:*`] ?? ExitCode.failure;
}

/** A user-facing error: its message names the fix; printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
