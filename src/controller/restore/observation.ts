import type { RestoreAgentResult, RestoreProgress } from '../../api/agent/index.js';
import type { EtcdBackup, EtcdRestore } from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import type { ObservedReference } from '../references.js';

/**
 * What a restore reconcile plans from: the EtcdRestore, the EtcdBackup its
 * source names (when it uses backupRef), the Secrets it references that are
 * missing, and a summary of each of its Jobs. Plain data, no secret value.
 */
export interface ObservedRestore {
  readonly restore: EtcdRestore;
  /** Set when source.backupRef is used: the EtcdBackup, or null when it does not exist. */
  readonly backup?: EtcdBackup | null;
  /** The Secrets and ConfigMaps its Jobs would mount (none once it finished). */
  readonly references: readonly ObservedReference[];
  readonly jobs: readonly ObservedRestoreJob[];
  /** What the restore's Pods may ask for (docs/security.md); unchecked when unset (unit tests). */
  readonly policy?: AgentPolicy;
}

export type RestoreJobState = 'active' | 'succeeded' | 'failed';

export interface ObservedRestoreJob {
  readonly name: string;
  readonly state: RestoreJobState;
  /** The DataDir member it restores (its label). */
  readonly member?: string;
  readonly completionTime?: Date;
  /** What the agent reported, when a Pod left a well-formed result. */
  readonly result?: RestoreAgentResult;
  /** What its running Pod's agent last logged of its progress (active Jobs only). */
  readonly progress?: RestoreProgress;
  /** The Job's Failed condition, for failures without a result. */
  readonly failure?: { readonly reason: string; readonly message: string };
}
