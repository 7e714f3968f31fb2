import { resolveContainerPath } from '../config/fs-root.js';
import type { RetentionPolicy } from '../domain/retention.js';
import type { EtcdConnection, EtcdSnapshotSource } from '../etcd/etcd-source.js';
import { pruneSnapshots } from '../snapshot/catalog/prune.js';
import { saveSnapshot } from '../snapshot/pipeline/save.js';
import type { Env, ObjectStore, StoreConfig } from '../storage/index.js';
import { AgentConfigError } from '../api/agent/index.js';
import { parseBackupAgentConfig, type ValidatedAgentConfig } from './config.js';
import { agentSecrets, loadAgentInputs, objectUri, type ReadFile } from './agent-inputs.js';
import { classifyError, toAgentResult, type AgentOutcome } from './backup-result.js';
import type { BackupAgentConfig, BackupAgentResult } from '../api/agent/index.js';
import { EXIT_CODES, exitCodeOf, ProjectError } from '../api/errors.js';

/** The agent's ports: injected so tests run it against fakes and a temp directory. */
export interface BackupAgentDeps {
  readonly env: Env;
  readonly readFile: ReadFile;
  readonly openSource: (connection: EtcdConnection) => EtcdSnapshotSource;
  readonly openStore: (config: StoreConfig, env: Env) => ObjectStore;
  readonly now: () => Date;
  /** Aborted on SIGTERM (activeDeadlineSeconds, Job deletion): the run stops and still reports. */
  readonly signal?: AbortSignal;
}

export interface BackupAgentRun {
  /** Not yet truncated: see truncateResult. */
  readonly result: BackupAgentResult;
  /** Absent when the config could not be read or was invalid. */
  readonly config?: BackupAgentConfig;
  /** The process exit code: 0, or the failure's category's (src/api/errors.ts). */
  readonly exitCode: number;
}

/** The run was stopped from outside before it finished. */
export class AgentStoppedError extends ProjectError {
  override readonly name = 'AgentStoppedError';
  readonly code = 'Stopped';
  readonly category = 'internal';
}

function readConfig(configPath: string, deps: BackupAgentDeps): string {
  try {
    return deps.readFile(resolveContainerPath(configPath, deps.env)).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new AgentConfigError(
      `cannot read the agent config ${configPath} (${code}): the Job must mount its ConfigMap there`,
    );
  }
}

async function applyRetention(
  store: ObjectStore,
  name: string,
  policy: RetentionPolicy,
  now: Date,
): Promise<NonNullable<BackupAgentResult['retention']>> {
  try {
    const report = await pruneSnapshots({ store, name, policy, now, dryRun: false });
    return {
      snapshots: report.kept.length,
      totalStoredBytes: report.keptBytes,
      removed: report.removed.length,
    };
  } catch (err) {
    // The snapshot is committed; a failed prune is reported and retried by the next run.
    return { snapshots: 0, totalStoredBytes: 0, removed: 0, error: classifyError(err).message };
  }
}

async function backUp(v: ValidatedAgentConfig, deps: BackupAgentDeps): Promise<AgentOutcome> {
  const inputs = loadAgentInputs(v, deps.env, deps.readFile);
  const name = v.config.backup.name;
  const store = deps.openStore(inputs.store, deps.env);
  try {
    const source = deps.openSource(inputs.connection);
    try {
      const manifest = await saveSnapshot({
        source,
        store,
        name,
        compression: v.config.compression,
        recipients: inputs.recipients,
        now: deps.now,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const retention = v.retention
        ? await applyRetention(store, name, v.retention, deps.now())
        : undefined;
      return {
        ok: true,
        manifest,
        uri: objectUri(v.store, manifest.key),
        ...(retention ? { retention } : {}),
      };
    } finally {
      await source.close().catch(() => {});
    }
  } finally {
    await store.close().catch(() => {});
  }
}

/**
 * Every agent task's frame: read and validate the config, run `work`, and
 * turn any failure into a result whose message names the fix and holds no
 * secret value. Never throws.
 */
export async function runAgentTask(
  configPath: string,
  deps: BackupAgentDeps,
  work: (validated: ValidatedAgentConfig, secrets: readonly string[]) => Promise<BackupAgentResult>,
): Promise<BackupAgentRun> {
  const secrets = agentSecrets(deps.env);
  let validated: ValidatedAgentConfig | undefined;
  try {
    validated = parseBackupAgentConfig(readConfig(configPath, deps));
    return {
      result: await work(validated, secrets),
      config: validated.config,
      exitCode: EXIT_CODES.ok,
    };
  } catch (err) {
    const error = deps.signal?.aborted
      ? new AgentStoppedError(
          'the agent was stopped (SIGTERM) before the snapshot completed: the Job reached its deadline (spec.snapshotTimeout) or was deleted; raise snapshotTimeout for large databases or slow links',
          { cause: err },
        )
      : err;
    const result = toAgentResult({ ok: false, error }, { secrets });
    return {
      result,
      ...(validated ? { config: validated.config } : {}),
      exitCode: exitCodeOf(error),
    };
  }
}

/** `etcd-snapshot agent backup`: take the snapshot, then apply retention. */
export function runBackupAgent(configPath: string, deps: BackupAgentDeps): Promise<BackupAgentRun> {
  return runAgentTask(configPath, deps, async (validated, secrets) =>
    toAgentResult(await backUp(validated, deps), { secrets }),
  );
}
