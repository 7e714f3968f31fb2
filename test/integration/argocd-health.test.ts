import { argoHealth } from '../support/argo-health.js';

/**
 * The shipped Argo CD health checks, each branch, under the real interpreter.
 * The e2e suites run the same checks on objects the operator really wrote
 * (backup lifecycle, bad input, restores).
 */
const cond = (type: string, status: string, reason: string, message = '') => ({
  type,
  status,
  reason,
  message,
});
const backup = (
  status: Record<string, unknown> | undefined,
  spec: Record<string, unknown> = {},
) => ({
  apiVersion: 'etcdsnapshot.dev/v1alpha1',
  kind: 'EtcdBackup',
  metadata: { name: 'b', generation: 3 },
  spec,
  ...(status ? { status } : {}),
});

describe('EtcdBackup health', () => {
  it.each([
    ['no status yet', backup(undefined), 'Progressing', /generation 3/],
    [
      'an older generation observed',
      backup({ observedGeneration: 2 }),
      'Progressing',
      /generation 3/,
    ],
    [
      'a refused spec',
      backup({
        observedGeneration: 3,
        conditions: [cond('Ready', 'False', 'SecretNotFound', 'Secret "s3" not found')],
      }),
      'Degraded',
      /^SecretNotFound: Secret "s3" not found$/,
    ],
    [
      'suspended',
      backup(
        { observedGeneration: 3, conditions: [cond('Ready', 'True', 'Scheduled')] },
        { suspend: true },
      ),
      'Suspended',
      /Suspended/,
    ],
    [
      'the last run failed',
      backup({
        observedGeneration: 3,
        conditions: [
          cond('Ready', 'True', 'Scheduled'),
          cond('LastBackupSucceeded', 'False', 'EtcdUnreachable', 'x'),
        ],
      }),
      'Degraded',
      /^EtcdUnreachable: x$/,
    ],
    [
      'stale',
      backup({
        observedGeneration: 3,
        conditions: [cond('Ready', 'True', 'Scheduled'), cond('Stale', 'True', 'Stale', 'y')],
      }),
      'Degraded',
      /^Stale: y$/,
    ],
    [
      'scheduled, never run',
      backup({
        observedGeneration: 3,
        conditions: [cond('Ready', 'True', 'Scheduled', 'next at 01:00')],
      }),
      'Healthy',
      /^Scheduled: next at 01:00$/,
    ],
    [
      'a recent success',
      backup({
        observedGeneration: 3,
        lastSuccessfulTime: '2026-12-08T01:00:00Z',
        conditions: [
          cond('Ready', 'True', 'Scheduled'),
          cond('LastBackupSucceeded', 'True', 'Succeeded'),
        ],
      }),
      'Healthy',
      /2026-12-08T01:00:00Z/,
    ],
  ])('%s', async (_label, object, status, message) => {
    const health = await argoHealth('EtcdBackup', object);
    expect(health.status).toBe(status);
    expect(health.message).toMatch(message);
  });
});

describe('EtcdRestore health', () => {
  const restore = (status: Record<string, unknown> | undefined) => ({
    kind: 'EtcdRestore',
    metadata: { name: 'r', generation: 1 },
    ...(status ? { status } : {}),
  });
  it.each([
    ['no status yet', restore(undefined), 'Progressing', /generation 1/],
    [
      'waiting for its EtcdBackup',
      restore({
        observedGeneration: 1,
        phase: 'Pending',
        conditions: [cond('SourceValid', 'False', 'BackupNotFound', 'z')],
      }),
      'Progressing',
      /^Pending: BackupNotFound: z$/,
    ],
    [
      'writing',
      restore({
        observedGeneration: 1,
        phase: 'Restoring',
        progress: { phase: 'Writing', percent: 42 },
      }),
      'Progressing',
      /^Restoring: Writing 42%$/,
    ],
    [
      'failed on a checksum',
      restore({
        observedGeneration: 1,
        phase: 'Failed',
        conditions: [
          cond('SourceValid', 'True', 'SourceResolved'),
          cond('ChecksumVerified', 'False', 'ChecksumMismatch', 'w'),
        ],
      }),
      'Degraded',
      /^ChecksumMismatch: w$/,
    ],
    [
      'completed',
      restore({
        observedGeneration: 1,
        phase: 'Completed',
        conditions: [cond('Restored', 'True', 'Restored', 'revision 9')],
      }),
      'Healthy',
      /^Restored: revision 9$/,
    ],
  ])('%s', async (_label, object, status, message) => {
    const health = await argoHealth('EtcdRestore', object);
    expect(health.status).toBe(status);
    expect(health.message).toMatch(message);
  });
});
