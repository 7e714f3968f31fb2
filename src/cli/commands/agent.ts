import { readFileSync, writeFileSync } from 'node:fs';
import { type BackupAgentDeps, runBackupAgent } from '../../agent/backup-agent.js';
import { runDeleteAgent } from '../../agent/delete-agent.js';
import { truncateResult } from '../../agent/agent-result.js';
import { AGENT_CONFIG_PATH, TERMINATION_MESSAGE_PATH } from '../../agent/contract.js';
import { agentExitCode } from '../../agent/exit-codes.js';
import { resolveContainerPath } from '../../config/fs-root.js';
import { Etcd3SnapshotSource } from '../../etcd/etcd3-source.js';
import { createLogger } from '../../observability/logger.js';
import { openStore } from '../../storage/index.js';
import { parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';

const flags = {
  config: { type: 'string', default: AGENT_CONFIG_PATH },
  'termination-log': { type: 'string', default: TERMINATION_MESSAGE_PATH },
} as const;

const USAGE = `Usage: etcd-snapshot agent backup|delete [--config FILE] [--termination-log FILE]

'delete' (the cleanup Job of deletionPolicy: Delete) removes every object of
the backup named in the config, manifests first, and reports the same way.

Runs inside the Jobs the EtcdBackup controller creates: reads the
BackupAgentConfig, streams a verified snapshot to the destination, applies
retention to this backup's snapshots, and writes a BackupAgentResult (JSON)
to the termination log, which the controller reads from the Pod status.
Credentials come from the environment (Secret references), never the config.

  --config FILE            default ${AGENT_CONFIG_PATH}
  --termination-log FILE   default ${TERMINATION_MESSAGE_PATH}

Exit codes: 0 success; 2 invalid config (not retried); 3 etcd; 4 storage;
5 integrity; 1 anything else.`;

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
  const { result, config } = await runner(values.config, deps).finally(stop.release);
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
  return agentExitCode(result.reason);
}

export const agentCommand: Command = {
  name: 'agent',
  summary: "run a task inside the operator's Jobs (agent backup | agent delete)",
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const [task, ...rest] = args;
    if (task !== 'backup' && task !== 'delete') {
      throw new UsageError(
        `unknown agent task '${task ?? ''}': use 'agent backup' or 'agent delete'`,
      );
    }
    return runTask(task, rest, io);
  },
};
