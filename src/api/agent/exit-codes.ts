import type { BackupResultReason } from './backup.js';

/**
 * The agent's exit codes: the CLI's documented ones (src/cli/command.ts
 * ExitCode), so `kubectl get pods` reads the same as a terminal. The Job's
 * podFailurePolicy fails the Job at once on invalidConfig (and, for
 * restores, integrity and refused): a retry with the same input cannot help.
 */
export const AGENT_EXIT_CODES = {
  ok: 0,
  failure: 1,
  invalidConfig: 2,
  etcd: 3,
  storage: 4,
  integrity: 5,
  /** A restore target that is not empty, or held by a running etcd. */
  refused: 6,
} as const;

const BY_REASON: Readonly<Record<BackupResultReason, number>> = {
  Succeeded: AGENT_EXIT_CODES.ok,
  InvalidConfig: AGENT_EXIT_CODES.invalidConfig,
  EtcdUnreachable: AGENT_EXIT_CODES.etcd,
  EtcdAuthFailed: AGENT_EXIT_CODES.etcd,
  EtcdTlsError: AGENT_EXIT_CODES.etcd,
  StoreUnreachable: AGENT_EXIT_CODES.storage,
  AccessDenied: AGENT_EXIT_CODES.storage,
  BucketNotFound: AGENT_EXIT_CODES.storage,
  InvalidCredentials: AGENT_EXIT_CODES.storage,
  StoreTlsError: AGENT_EXIT_CODES.storage,
  ChecksumMismatch: AGENT_EXIT_CODES.integrity,
  SnapshotCorrupt: AGENT_EXIT_CODES.integrity,
  Failed: AGENT_EXIT_CODES.failure,
};

/** The process exit code for a result reason; 0 only for Succeeded. */
export function agentExitCode(reason: BackupResultReason): number {
  return BY_REASON[reason];
}
