import { readFileSync, writeFileSync } from 'node:fs';
import { type BackupAgentDeps, runBackupAgent } from '../../agent/backup-agent.js';
import { runDeleteAgent } from '../../agent/delete-agent.js';
import { truncateResult } from '../../agent/backup-result.js';
import { AGENT_CONFIG_PATH, TERMINATION_MESSAGE_PATH } from '../../api/agent/index.js';
import { resolveContainerPath } from '../../config/fs-root.js';
import { runRestoreAgent } from '../../agent/restore/agent.js';
import { etcdutlRunner } from '../../agent/restore/etcdutl.js';
import { isFileLocked } from '../../agent/restore/file-lock.js';
import { truncateRestoreResult } from '../../agent/restore/result.js';
import { throttledProgress } from '../../agent/restore/progress.js';
import { RESTORE_PROGRESS_MESSAGE } from '../../api/agent/index.js';
import { Etcd3KeyValueTarget } from '../../etcd/etcd3-kv-target.js';
import { Etcd3SnapshotSource } from '../../etcd/etcd3-source.js';
import { createLogger } from '../../observability/logger.js';
import { openStore } from '../../storage/index.js';
import { parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';

const flags = {
  config: { type: 'string', default: AGENT_CONFIG_PATH },
  'termination-log': { type: 'string', default: TERMINATION_MESSAGE_PATH },
} as const;

const USAGE = `Usage: etcd-snapshot agent backup|delete|restore [--config FILE] [--termination-log FILE]

'delete' (the cleanup Job of deletionPolicy: Delete) removes every object of
the backup named in the config, manifests first, and reports the same way.

'restore' (the Jobs of an EtcdRestore) reads a RestoreAgentConfig, downloads
and verifies the snapshot, then restores it into a live etcd (Logical) or
one member's data directory with etcdutl (DataDir; $ETCD_SNAPSHOT_ETCDUTL or
etcdutl on PATH), and writes a RestoreAgentResult to the termination log.

Runs inside the Jobs the EtcdBackup controller creates: reads the
BackupAgentConfig, streams a verified snapshot to the destination, applies
retention to this backup's snapshots, and writes a BackupAgentResult (JSON)
to the termination log, which the controller reads from the Pod status.
Credentials come from the environment (Secret references), never the config.

  --config FILE            default ${AGENT_CONFIG_PATH}
  --termination-log FILE   default ${TERMINATION_MESSAGE_PATH}

Exit codes: 0 success; 2 invalid config (not retried); 3 etcd; 4 storage;
5 integrity; 6 refused (restore target not empty or in use); 1 anything else.`;

/** Stops the run on SIGTERM (the Job's deadline or deletion) so it still reports a result. */
function abortOnSigterm(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onTerm = () => controller.abort(new Error('SIGTERM'));
  process.once('SIGTERM', onTerm);
  return { signal: controller.signal, release: () => process.off('SIGTERM', onTerm) };
}

async function runTask(
  task: 'backup' | 'delete',
  args: readonly string[],
  io: CliIO,
): Promise<number> {
  const { values } = parseFlags(`agent ${task}`, args, flags);
  const logger = createLogger({ destination: io.stdout, base: { component: 'backup-agent' } });
  const stop = abortOnSigterm();
  const deps: BackupAgentDeps = {
    env: io.env,
    readFile: (file) => readFileSync(file),
    openSource: (connection) => new Etcd3SnapshotSource(connection),
    openStore: (config, env) => openStore(config, env),
    now: () => new Date(),
    signal: stop.signal,
  };
  const runner = task === 'backup' ? runBackupAgent : runDeleteAgent;
  const { result, config, exitCode } = await runner(values.config, deps).finally(stop.release);
  const fields = {
    ...(config ? { backup: config.backup, job: config.run.job, trigger: config.run.trigger } : {}),
    result,
  };
  if (result.succeeded) logger.info(fields, `${task} succeeded`);
  else logger.error(fields, `${task} failed`);
  const file = values['termination-log'];
  try {
    writeFileSync(resolveContainerPath(file, io.env), JSON.stringify(truncateResult(result)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    // The log line above still carries the result (terminationMessagePolicy FallbackToLogsOnError).
    logger.warn({ file, code }, 'cannot write the termination log');
  }
  return exitCode;
}

function writeTerminationLog(
  file: string,
  text: string,
  io: CliIO,
  logger: ReturnType<typeof createLogger>,
): void {
  try {
    writeFileSync(resolveContainerPath(file, io.env), text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    logger.warn({ file, code }, 'cannot write the termination log');
  }
}

async function runRestore(args: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('agent restore', args, flags);
  const logger = createLogger({ destination: io.stdout, base: { component: 'restore-agent' } });
  const stop = abortOnSigterm();
  const { result, config, exitCode } = await runRestoreAgent(values.config, {
    env: io.env,
    readFile: (file) => readFileSync(file),
    openStore: (config, env) => openStore(config, env),
    openTarget: (connection) => new Etcd3KeyValueTarget(connection),
    etcdutl: etcdutlRunner(io.env),
    isLocked: isFileLocked,
    signal: stop.signal,
    onProgress: throttledProgress((progress) =>
      logger.info({ progress }, RESTORE_PROGRESS_MESSAGE),
    ),
  }).finally(stop.release);
  const fields = {
    ...(config ? { restore: config.restore, job: config.job, mode: config.mode } : {}),
    result,
  };
  if (result.succeeded) logger.info(fields, 'restore succeeded');
  else logger.error(fields, 'restore failed');
  writeTerminationLog(
    values['termination-log'],
    JSON.stringify(truncateRestoreResult(result)),
    io,
    logger,
  );
  return exitCode;
}

export const agentCommand: Command = {
  name: 'agent',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const [task, ...rest] = args;
    if (task === 'restore') return runRestore(rest, io);
    if (task !== 'backup' && task !== 'delete') {
      throw new UsageError(
        `unknown agent task '${task ?? ''}': use 'agent backup', 'agent delete' or 'agent restore'`,
      );
    }
    return runTask(task, rest, io);
  },
};
