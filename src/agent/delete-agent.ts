import { purgeBackup } from '../snapshot/purge.js';
import { parseBackupAgentConfig, type ValidatedAgentConfig } from './agent-config.js';
import { agentSecrets, loadAgentInputs } from './agent-inputs.js';
import { toAgentResult } from './agent-result.js';
import { readConfig, type BackupAgentDeps, type BackupAgentRun } from './backup-agent.js';
import type { BackupAgentResult } from './contract.js';

/**
 * `etcd-snapshot agent delete`: the cleanup Job of an EtcdBackup with
 * deletionPolicy Delete. Same config and credentials as a backup run; removes
 * every object under the backup's name and reports through the same result.
 */
export async function runDeleteAgent(
  configPath: string,
  deps: BackupAgentDeps,
): Promise<BackupAgentRun> {
  const secrets = agentSecrets(deps.env);
  let validated: ValidatedAgentConfig | undefined;
  try {
    validated = parseBackupAgentConfig(readConfig(configPath, deps));
    const inputs = loadAgentInputs(validated, deps.env, deps.readFile);
    const store = deps.openStore(inputs.store, deps.env);
    try {
      const name = validated.config.backup.name;
      const { removed } = await purgeBackup(store, name);
      const result: BackupAgentResult = {
        kind: 'BackupAgentResult',
        succeeded: true,
        reason: 'Succeeded',
        message: `deleted ${removed} object(s) of backup ${name}`,
        retention: { snapshots: 0, totalStoredBytes: 0, removed },
      };
      return { result, config: validated.config };
    } finally {
      await store.close().catch(() => {});
    }
  } catch (err) {
    const result = toAgentResult({ ok: false, error: err }, { secrets });
    return { result, ...(validated ? { config: validated.config } : {}) };
  }
}
