import { EXIT_CODES, exitCodeOf } from '../../api/errors.js';
import path from 'node:path';
import { resolveContainerPath } from '../../config/fs-root.js';
import type { EtcdConnection } from '../../etcd/etcd-source.js';
import type { EtcdKeyValueTarget } from '../../etcd/kv-target.js';
import { restoreLogical } from '../../snapshot/restore/logical-restore.js';
import { snapshotFileKeys } from '../../snapshot/restore/snapshot-keys.js';
import type { Env, ObjectStore, StoreConfig } from '../../storage/index.js';
import { AgentConfigError } from '../../api/agent/index.js';
import {
  agentSecrets,
  loadEtcdConnection,
  localStoreConfig,
  objectUri,
  type ReadFile,
} from '../agent-inputs.js';
import { parseRestoreAgentConfig, type ValidatedRestoreConfig } from '../config.js';
import type {
  RestoreAgentConfig,
  RestoreAgentResult,
  RestoredSnapshot,
  RestoreProgress,
} from '../../api/agent/index.js';
import { alreadySwapped, dataDirLayout, restoreDataDir } from './data-dir.js';
import type { RunEtcdutl } from './etcdutl.js';
import { describeSnapshot, failedResult, restoredSnapshot } from './result.js';
import { fetchVerified, readIdentities, resolveSource } from './source.js';

/** The restore agent's ports, injected so tests can run it against fakes. */
export interface RestoreAgentDeps {
  readonly env: Env;
  readonly readFile: ReadFile;
  readonly openStore: (config: StoreConfig, env: Env) => ObjectStore;
  readonly openTarget: (connection: EtcdConnection) => EtcdKeyValueTarget;
  readonly etcdutl: RunEtcdutl;
  readonly isLocked: (file: string) => Promise<boolean>;
  readonly signal?: AbortSignal;
  /** What the run is doing, as it goes (the CLI logs it for the controller to read). */
  readonly onProgress?: (progress: RestoreProgressUpdate) => void;
}

/** A progress report without its time, which whoever logs it adds. */
export type RestoreProgressUpdate = Omit<RestoreProgress, 'time'>;

export interface RestoreAgentRun {
  readonly result: RestoreAgentResult;
  readonly config?: RestoreAgentConfig;
  /** The process exit code: 0, or the failure's category's (src/api/errors.ts). */
  readonly exitCode: number;
}

/** What the run learnt before it failed, for the failure's result. */
interface Facts {
  snapshot?: RestoredSnapshot;
  checksumVerified?: boolean;
  dryRun?: boolean;
}

function readConfig(configPath: string, deps: RestoreAgentDeps): ValidatedRestoreConfig {
  let text: string;
  try {
    text = deps.readFile(resolveContainerPath(configPath, deps.env)).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new AgentConfigError(
      `cannot read the agent config ${configPath} (${code}): the Job must mount its ConfigMap there`,
    );
  }
  return parseRestoreAgentConfig(text);
}

function downloadPath(v: ValidatedRestoreConfig, env: Env): string {
  const { config } = v;
  if (config.mode === 'DataDir' && !config.dryRun && config.dataDir) {
    const local = resolveContainerPath(config.dataDir.dataDir, env);
    return dataDirLayout(local, config.dataDir).download;
  }
  return path.join(resolveContainerPath(config.workDir, env), `snapshot-${process.pid}.db`);
}

async function logical(
  v: ValidatedRestoreConfig,
  file: string,
  deps: RestoreAgentDeps,
): Promise<NonNullable<RestoreAgentResult['logical']> & { endpoint: string; prefix: string }> {
  const spec = v.config.logical!;
  // fetchVerified checked every digest; the restore checks each page it reads before any change.
  const connection = loadEtcdConnection(spec.etcd, v.timeouts!, deps.env, deps.readFile);
  const target = deps.openTarget(connection);
  try {
    const progress = deps.onProgress;
    const report = await restoreLogical({
      source: snapshotFileKeys(file),
      target,
      prefix: Buffer.from(spec.prefix, 'utf8'),
      force: spec.overwrite,
      dryRun: v.config.dryRun,
      compact: spec.compact ?? false,
      ...(v.limits ? { limits: v.limits } : {}),
      ...(progress
        ? {
            onCompacting: () => progress({ phase: 'Compacting' }),
            onProgress: (p) =>
              progress({ phase: 'Writing', keys: p.keys, totalKeys: p.totalKeys, bytes: p.bytes }),
          }
        : {}),
    });
    return {
      existingKeys: report.existingKeys,
      keys: report.keys,
      bytes: report.bytes,
      transactions: report.transactions,
      ...(report.compaction ? { compactedRevision: String(report.compaction.revision) } : {}),
      endpoint: report.endpoint,
      prefix: report.prefix,
    };
  } finally {
    await target.close().catch(() => {});
  }
}

async function run(
  v: ValidatedRestoreConfig,
  deps: RestoreAgentDeps,
  facts: Facts,
): Promise<RestoreAgentResult> {
  const { config } = v;
  facts.dryRun = config.dryRun;
  const base = { kind: 'RestoreAgentResult', succeeded: true, reason: 'Succeeded' } as const;
  const store = deps.openStore(localStoreConfig(v.store, deps.env), deps.env);
  try {
    const entry = await resolveSource(store, config.source);
    const snapshot = restoredSnapshot(entry.manifest, objectUri(v.store, entry.manifest.key));
    facts.snapshot = snapshot;
    const target = config.dataDir;
    const layout =
      config.mode === 'DataDir' && !config.dryRun && target
        ? dataDirLayout(resolveContainerPath(target.dataDir, deps.env), target)
        : undefined;
    if (layout && (await alreadySwapped(layout))) {
      return {
        ...base,
        message: `member ${target!.member.name}: ${target!.dataDir} was already restored from ${describeSnapshot(snapshot)} by an earlier attempt`,
        checksumVerified: true,
        snapshot,
        member: { name: target!.member.name, dataDir: target!.dataDir },
      };
    }
    const identityFile = config.source.identityFile;
    const identities = readIdentities(
      identityFile && resolveContainerPath(identityFile, deps.env),
      deps.readFile,
    );
    const totalBytes = entry.manifest.stored.size;
    const progress = deps.onProgress;
    progress?.({ phase: 'Downloading', bytes: 0, totalBytes });
    const fetched = await fetchVerified({
      store,
      entry,
      identities,
      file: downloadPath(v, deps.env),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(progress
        ? { onProgress: (bytes: number) => progress({ phase: 'Downloading', bytes, totalBytes }) }
        : {}),
    });
    facts.checksumVerified = true;
    try {
      if (config.logical) {
        const report = await logical(v, fetched.file, deps);
        const { endpoint, prefix, ...counts } = report;
        const range = prefix ? `under "${prefix}"` : 'in the whole keyspace';
        const message = config.dryRun
          ? `dry run: would replace ${counts.existingKeys} key(s) ${range} at ${endpoint} with ${counts.keys} key(s) from ${describeSnapshot(snapshot)}; nothing was changed`
          : `restored ${counts.keys} key(s) ${range} at ${endpoint} from ${describeSnapshot(snapshot)} in ${counts.transactions} transaction(s); ${counts.existingKeys} key(s) replaced${counts.compactedRevision ? `; the target was compacted to revision ${counts.compactedRevision} and defragmented first` : ''}`;
        return {
          ...base,
          message,
          checksumVerified: true,
          snapshot,
          logical: counts,
          ...dry(config),
        };
      }
      if (config.dryRun || !layout || !target) {
        return {
          ...base,
          message: `dry run: ${describeSnapshot(snapshot)} is restorable; nothing was changed`,
          checksumVerified: true,
          snapshot,
          dryRun: true,
        };
      }
      progress?.({ phase: 'Restoring' });
      const swapped = await restoreDataDir(fetched.file, target, layout, {
        etcdutl: deps.etcdutl,
        isLocked: deps.isLocked,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      const previous = swapped.previousDataDir && containerPath(swapped.previousDataDir, deps.env);
      return {
        ...base,
        message: `member ${target.member.name}: ${target.dataDir} restored from ${describeSnapshot(snapshot)}${previous ? `; the previous data kept at ${previous}` : ''}`,
        checksumVerified: true,
        snapshot,
        member: {
          name: target.member.name,
          dataDir: target.dataDir,
          ...(previous ? { previousDataDir: previous } : {}),
        },
      };
    } finally {
      await fetched.cleanup();
    }
  } finally {
    await store.close().catch(() => {});
  }
}

const dry = (config: RestoreAgentConfig) => (config.dryRun ? { dryRun: true } : {});

/** A local path back in the container's terms, for messages and status. */
function containerPath(local: string, env: Env): string {
  const root = env.ETCD_SNAPSHOT_FS_ROOT;
  return root && local.startsWith(root) ? local.slice(root.length) || '/' : local;
}

/**
 * `etcd-snapshot agent restore`: resolve the snapshot, download and verify it
 * (nothing is touched before every digest matched), then restore it logically
 * or into one member's data directory. Never throws: any failure becomes a
 * result whose message names the fix and holds no secret value.
 */
export async function runRestoreAgent(
  configPath: string,
  deps: RestoreAgentDeps,
): Promise<RestoreAgentRun> {
  const secrets = agentSecrets(deps.env);
  const facts: Facts = {};
  let validated: ValidatedRestoreConfig | undefined;
  try {
    validated = readConfig(configPath, deps);
    return {
      result: await run(validated, deps, facts),
      config: validated.config,
      exitCode: EXIT_CODES.ok,
    };
  } catch (err) {
    const error = deps.signal?.aborted
      ? new Error(
          'the agent was stopped (SIGTERM) before the restore completed: the Job reached spec.restoreTimeout or was deleted; raise restoreTimeout for large snapshots',
          { cause: err },
        )
      : err;
    const result = failedResult(error, facts, secrets);
    return {
      result,
      ...(validated ? { config: validated.config } : {}),
      exitCode: exitCodeOf(error),
    };
  }
}
