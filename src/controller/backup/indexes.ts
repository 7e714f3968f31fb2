import { LABELS } from '../../api/v1alpha1/index.js';
import type { IndexFunc } from '../informer-store.js';
import { objectKey } from '../object-key.js';

/** The index of the Job and Pod caches by the EtcdBackup named in their LABELS.backup label. */
export const BY_BACKUP = 'backup';

type Labelled = { metadata?: { namespace?: string; labels?: Record<string, string> } };

/**
 * Files a Job or Pod under `namespace/backup`: observe reads one backup's
 * children from the index instead of scanning the namespace (1,000 backups
 * in one namespace made that scan a quarter of the operator's CPU).
 */
export const byBackupLabel: IndexFunc<Labelled> = (obj) => {
  const name = obj.metadata?.labels?.[LABELS.backup];
  return name ? [objectKey({ namespace: obj.metadata?.namespace, name })] : [];
};

export const BACKUP_INDEXERS = { [BY_BACKUP]: byBackupLabel } as const;
