import { purgeBackup } from '../snapshot/catalog/purge.js';
import { loadAgentInputs } from './agent-inputs.js';
import { runAgentTask, type BackupAgentDeps, type BackupAgentRun } from './backup-agent.js';

/**
 * `etcd-snapshot agent delete`: the cleanup Job of an EtcdBackup with
 * deletionPolicy Delete. Same config and credentials as a backup run; removes
 * every object under the backup's name and reports through the same result.
 */
export function runDeleteAgent(configPath: string, deps: BackupAgentDeps): Promise<BackupAgentRun> {
  return runAgentTask(configPath, deps, async (validated) => {
    const inputs = loadAgentInputs(validated, deps.env, deps.readFile);
    const store = deps.openStore(inputs.store, deps.env);
    try {
      const name = validated.config.backup.name;
      const { removed } = await purgeBackup(store, name);
      return {
        kind: 'BackupAgentResult',
        succeeded: true,
        reason: 'Succeeded',
        message: `deleted ${removed} object(s) of backup ${name}`,
        retention: { snapshots: 0, totalStoredBytes: 0, removed },
      };
    } finally {
      await store.close().catch(() => {});
    }
  });
}
