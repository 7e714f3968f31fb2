import type { EtcdBackup } from '../../api/v1alpha1/index.js';
import { policyRefusal, type AgentPolicy, type PolicyRefusal } from '../policy/agent-policy.js';
import { backupJobSpec, JobSpecError } from '../jobs/backup-job.js';
import { AGENT_VOLUMES } from '../jobs/wiring.js';

const PROBE_NAME = 'policy-check';
/** Specs remembered per policy; a full memo is dropped whole (as many as there are backups). */
const MEMO_LIMIT = 10_000;
const memos = new WeakMap<AgentPolicy, Map<string, PolicyRefusal | undefined>>();

/**
 * backupPolicyRefusal, remembered per policy and (uid, namespace, name, spec):
 * everything the probe Job is built from. Building the probe Job was a sixth of
 * a reconcile's CPU, and a spec changes far less often than a backup is
 * reconciled (each run's Job and status updates wake it several times).
 */
export function backupPolicyRefusal(
  backup: EtcdBackup,
  policy: AgentPolicy,
): PolicyRefusal | undefined {
  const { uid, namespace, name } = backup.metadata ?? {};
  const key = JSON.stringify([uid, namespace, name, backup.spec]);
  let memo = memos.get(policy);
  if (!memo) memos.set(policy, (memo = new Map()));
  if (memo.has(key)) return memo.get(key);
  const refusal = checkBackupPolicy(backup, policy);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, refusal);
  return refusal;
}

/**
 * Whether the agent policy refuses what this EtcdBackup's Jobs would ask of a
 * Pod. Checks the Pod the builder really makes (the cleanup Job's differs
 * only in its arguments) and every endpoint the agent would connect to.
 * A spec the builder cannot build is left to the run's own error.
 */
function checkBackupPolicy(backup: EtcdBackup, policy: AgentPolicy): PolicyRefusal | undefined {
  let built: ReturnType<typeof backupJobSpec>;
  try {
    built = backupJobSpec({
      backup,
      jobName: PROBE_NAME,
      scheduledTime: new Date(0),
      trigger: 'schedule',
      image: policy.image,
      configMapName: PROBE_NAME,
    });
  } catch (err) {
    if (err instanceof JobSpecError) return undefined;
    throw err;
  }
  const { spec } = backup;
  const template = built.job.spec.template;
  const s3Endpoint = spec.destination.s3?.endpoint;
  return policyRefusal(policy, {
    namespace: backup.metadata?.namespace ?? '',
    pods: [
      {
        spec: template.spec,
        annotations: template.metadata.annotations,
        origins: {
          volumes: { [AGENT_VOLUMES.store]: 'spec.destination.volume.hostPath' },
          root: spec.etcd.tlsFiles
            ? 'spec.etcd.tlsFiles'
            : spec.destination.volume?.hostPath
              ? 'spec.destination.volume.hostPath'
              : undefined,
        },
      },
    ],
    endpoints: [
      ...spec.etcd.endpoints.map((url, i) => ({ field: `spec.etcd.endpoints[${i}]`, url })),
      ...(s3Endpoint ? [{ field: 'spec.destination.s3.endpoint', url: s3Endpoint }] : []),
    ],
  });
}
