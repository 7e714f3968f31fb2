import type { BackupAgentResult } from '../../../../src/api/agent/index.js';
import {
  API_VERSION,
  KINDS,
  type EtcdBackup,
  type EtcdBackupSpec,
  type EtcdBackupStatus,
} from '../../../../src/api/v1alpha1/index.js';
import type { ObjectMeta } from '../../../../src/api/v1alpha1/resource.js';
import type { ObservedBackup, ObservedRun } from '../../../../src/controller/backup/observation.js';
import type { ObservedReference } from '../../../../src/controller/references.js';

export const at = (iso: string) => new Date(iso);
export const minutes = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
export const CREATED = '2026-03-01T00:30:00Z';

export interface BackupOverrides {
  spec?: Partial<EtcdBackupSpec>;
  status?: EtcdBackupStatus;
  metadata?: Partial<ObjectMeta>;
}

/** An hourly EtcdBackup "nightly" in "ns", created at CREATED, with a TLS Secret. */
export function backup(overrides: BackupOverrides = {}): EtcdBackup {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.backup,
    metadata: {
      name: 'nightly',
      namespace: 'ns',
      uid: 'uid-1',
      generation: 1,
      resourceVersion: '10',
      creationTimestamp: CREATED,
      ...overrides.metadata,
    },
    spec: {
      etcd: { endpoints: ['https://10.0.0.10:2379'], tlsSecretRef: { name: 'etcd-client' } },
      destination: { s3: { bucket: 'etcd-backups' } },
      schedule: '0 * * * *',
      ...overrides.spec,
    },
    ...(overrides.status ? { status: overrides.status } : {}),
  };
}

export const TLS_OK: ObservedReference = {
  kind: 'Secret',
  name: 'etcd-client',
  field: 'spec.etcd.tlsSecretRef',
  keys: ['ca.crt', 'tls.crt', 'tls.key'],
  found: true,
  missingKeys: [],
};

export function observed(
  b: EtcdBackup,
  runs: ObservedRun[] = [],
  extra: Partial<ObservedBackup> = {},
): ObservedBackup {
  return { backup: b, runs, references: [TLS_OK], ...extra };
}

/** A run of "nightly" scheduled at `scheduled` (its name follows). */
export function run(scheduled: string, patch: Partial<ObservedRun> = {}): ObservedRun {
  return {
    name: `nightly-${minutes(scheduled)}`,
    state: 'active',
    trigger: 'schedule',
    scheduledTime: at(scheduled),
    deleting: false,
    startTime: at(scheduled),
    ...patch,
  };
}

export function succeeded(
  scheduled: string,
  completed: string,
  key = 'nightly/snap.db.zst',
): ObservedRun {
  return run(scheduled, {
    state: 'succeeded',
    completionTime: at(completed),
    result: okResult(key, scheduled, completed),
  });
}

export function failed(
  scheduled: string,
  completed: string,
  reason = 'EtcdUnreachable',
): ObservedRun {
  return run(scheduled, {
    state: 'failed',
    completionTime: at(completed),
    result: {
      kind: 'BackupAgentResult',
      succeeded: false,
      reason: reason as BackupAgentResult['reason'],
      message: 'no etcd endpoint answered within 10s: check spec.etcd.endpoints',
    },
  });
}

export function okResult(key: string, start: string, end: string): BackupAgentResult {
  return {
    kind: 'BackupAgentResult',
    succeeded: true,
    reason: 'Succeeded',
    message: `stored ${key}`,
    snapshot: {
      key,
      uri: `s3://etcd-backups/${key}`,
      size: 4096,
      storedSize: 1536,
      sha256: 'ab'.repeat(32),
      revision: '12345',
      etcdVersion: '3.5.17',
      clusterId: 'cdf818194e3a8c32',
      startTime: start,
      endTime: end,
    },
    retention: { snapshots: 5, totalStoredBytes: 7680, removed: 1 },
  };
}
