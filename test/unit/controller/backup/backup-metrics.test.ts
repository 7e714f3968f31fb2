import { Registry } from 'prom-client';
import type { EtcdBackupStatus } from '../../../../src/api/v1alpha1/index.js';
import {
  forgetBackupMetrics,
  publishBackupMetrics,
} from '../../../../src/controller/backup/backup-metrics.js';
import { createBackupMetrics } from '../../../../src/observability/metrics.js';

const nightly = { namespace: 'kube-system', backup: 'nightly' };
const other = { namespace: 'kube-system', backup: 'hourly' };

const status: EtcdBackupStatus = {
  lastSuccessfulTime: '2026-03-02T13:01:30Z',
  consecutiveFailures: 0,
  lastSnapshot: { uri: 's3://b/k', key: 'k', size: 4096, storedSize: 1536 },
  retention: { snapshots: 3, totalStoredBytes: 4608 },
  conditions: [
    {
      type: 'Stale',
      status: 'True',
      reason: 'NoRecentSuccess',
      message: 'x',
      lastTransitionTime: '2026-03-02T13:01:30Z',
    },
  ],
};

async function text(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe('backup metrics', () => {
  it('counts the recorded runs and sets the gauges from the status', async () => {
    const registry = new Registry();
    const metrics = createBackupMetrics(registry);
    publishBackupMetrics(metrics, nightly, status, [
      { job: 'nightly-1', result: 'Succeeded', reason: 'Succeeded', durationSeconds: 90 },
      { job: 'nightly-2', result: 'Failed', reason: 'EtcdUnreachable', durationSeconds: 40 },
    ]);
    publishBackupMetrics(metrics, nightly, status, []);
    const out = await text(registry);
    const series = (name: string) =>
      out
        .split('\n')
        .find((line) => line.startsWith(name))
        ?.split(' ')[1];
    expect(
      series(
        'etcd_snapshot_operator_backup_runs_total{namespace="kube-system",backup="nightly",result="Succeeded",reason="Succeeded"}',
      ),
    ).toBe('1');
    expect(
      series(
        'etcd_snapshot_operator_backup_runs_total{namespace="kube-system",backup="nightly",result="Failed",reason="EtcdUnreachable"}',
      ),
    ).toBe('1');
    expect(
      series(
        'etcd_snapshot_operator_backup_run_duration_seconds_sum{namespace="kube-system",backup="nightly",result="Succeeded"}',
      ),
    ).toBe('90');
    expect(
      series(
        'etcd_snapshot_operator_backup_last_success_timestamp_seconds{namespace="kube-system",backup="nightly"}',
      ),
    ).toBe(String(Date.parse('2026-03-02T13:01:30Z') / 1000));
    expect(
      series(
        'etcd_snapshot_operator_backup_last_snapshot_bytes{namespace="kube-system",backup="nightly",kind="stored"}',
      ),
    ).toBe('1536');
    expect(
      series(
        'etcd_snapshot_operator_backup_retained_bytes{namespace="kube-system",backup="nightly"}',
      ),
    ).toBe('4608');
    expect(
      series('etcd_snapshot_operator_backup_stale{namespace="kube-system",backup="nightly"}'),
    ).toBe('1');
  });

  it('forgets every series of a deleted backup, and only those', async () => {
    const registry = new Registry();
    const metrics = createBackupMetrics(registry);
    const run = { job: 'j', result: 'Succeeded', reason: 'Succeeded', durationSeconds: 5 } as const;
    publishBackupMetrics(metrics, nightly, status, [run]);
    publishBackupMetrics(metrics, other, status, [run]);
    await forgetBackupMetrics(metrics, nightly);
    const out = await text(registry);
    expect(out).not.toContain('backup="nightly"');
    expect(out).toContain('backup="hourly"');
    expect(out).toMatch(/backup_run_duration_seconds_bucket\{[^}]*backup="hourly"/);
  });
});
