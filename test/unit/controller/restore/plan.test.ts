import type { RestoreAgentResult } from '../../../../src/api/agent/index.js';
import type { EtcdBackup, EtcdRestore } from '../../../../src/api/v1alpha1/index.js';
import { restoreJobSpec } from '../../../../src/controller/jobs/restore-job.js';
import { restoreJobName, restoreStamp } from '../../../../src/controller/jobs/names.js';
import type {
  ObservedRestore,
  ObservedRestoreJob,
} from '../../../../src/controller/restore/observation.js';
import { readRestoreResult as parseRestoreResult } from '../../../../src/api/agent/index.js';
import { planRestore } from '../../../../src/controller/restore/plan.js';
import { agentPolicyFrom } from '../../../../src/controller/policy/policy-from.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const LATER = new Date('2026-03-01T12:05:00Z');

const s3 = {
  s3: { bucket: 'b', region: 'eu-west-1', credentialsSecretRef: { name: 's3-creds' } },
};

function restore(spec: Partial<EtcdRestore['spec']>, status?: EtcdRestore['status']): EtcdRestore {
  return {
    apiVersion: 'etcdsnapshot.dev/v1alpha1',
    kind: 'EtcdRestore',
    metadata: { name: 'r', namespace: 'ns', uid: 'uid-12345678-x', generation: 1 },
    spec: {
      source: { backupRef: { name: 'nightly' } },
      mode: 'Logical',
      logical: { etcd: { endpoints: ['http://10.0.0.1:2379'] } },
      ...spec,
    },
    ...(status ? { status } : {}),
  } as EtcdRestore;
}

type Member = NonNullable<EtcdRestore['spec']['dataDir']>['members'][number];

/** Member `name` on node n<i>, peer 10.0.0.<i>, data directory /var/lib/etcd. */
const hostPathMember = (name: string, i: number): Member => ({
  name,
  peerURL: `https://10.0.0.${i}:2380`,
  nodeName: `n${i}`,
  hostPath: { path: '/var/lib/etcd' },
});

function dataDirRestore(members: Member[], spec: Partial<EtcdRestore['spec']> = {}): EtcdRestore {
  return restore({ mode: 'DataDir', logical: undefined, dataDir: { members }, ...spec });
}

const backup = {
  metadata: { name: 'nightly' },
  spec: { destination: s3 },
} as unknown as EtcdBackup;

const snapshot = {
  key: 'nightly/20260301T000000Z-r00000000000000000042.db.zst',
  uri: 's3://b/nightly/20260301T000000Z-r00000000000000000042.db.zst',
  revision: '42',
  sha256: 'a'.repeat(64),
  etcdVersion: '3.6.16',
  size: 1000,
  encrypted: false,
  content: { revision: '42', liveKeys: 10, liveBytes: 100 },
};

const ok = (extra: Partial<RestoreAgentResult> = {}): RestoreAgentResult => ({
  kind: 'RestoreAgentResult',
  succeeded: true,
  reason: 'Succeeded',
  message: 'restored 10 key(s)',
  checksumVerified: true,
  snapshot,
  ...extra,
});

function observed(
  r: EtcdRestore,
  jobs: ObservedRestoreJob[] = [],
  extra: Partial<ObservedRestore> = {},
): ObservedRestore {
  return { restore: r, backup, references: [], jobs, ...extra };
}

const condition = (status: EtcdRestore['status'], type: string) =>
  status?.conditions?.find((c) => c.type === type);

describe('planRestore', () => {
  it('a new Logical restore creates one Job, records the start and an Event', () => {
    const plan = planRestore(observed(restore({})), NOW);
    expect(plan.actions).toEqual([{ type: 'CreateJob', jobName: 'r-restore' }]);
    expect(plan.status).toMatchObject({
      phase: 'Restoring',
      startTime: '2026-03-01T12:00:00Z',
      observedGeneration: 1,
    });
    expect(condition(plan.status, 'Restored')).toMatchObject({
      status: 'Unknown',
      reason: 'InProgress',
    });
    expect(plan.events.map((e) => e.reason)).toEqual(['RestoreStarted']);
  });

  it('planning again while the Job runs creates nothing and changes nothing', () => {
    const first = planRestore(observed(restore({})), NOW);
    const r = restore({}, first.status);
    const again = planRestore(observed(r, [{ name: 'r-restore', state: 'active' }]), LATER);
    expect(again.actions).toEqual([]);
    expect(again.events).toEqual([]);
    expect(again.status).toEqual(first.status);
  });

  it('a DataDir restore creates one Job per member; members report Pending then progress', () => {
    const r = dataDirRestore([hostPathMember('a', 1), hostPathMember('b', 2)]);
    const plan = planRestore(observed(r), NOW);
    expect(plan.actions).toEqual([
      { type: 'CreateJob', jobName: 'r-m0', member: 0 },
      { type: 'CreateJob', jobName: 'r-m1', member: 1 },
    ]);
    expect(plan.status.members?.map((m) => [m.name, m.phase])).toEqual([
      ['a', 'Pending'],
      ['b', 'Pending'],
    ]);
    const done = planRestore(
      observed(restore(r.spec, plan.status), [
        {
          name: 'r-m0',
          state: 'succeeded',
          member: 'a',
          completionTime: LATER,
          result: ok({ member: { name: 'a', dataDir: '/d', previousDataDir: '/d.previous' } }),
        },
        { name: 'r-m1', state: 'active', member: 'b' },
      ]),
      LATER,
    );
    expect(done.status.phase).toBe('Restoring');
    expect(done.status.members?.map((m) => [m.name, m.phase, m.previousDataDir])).toEqual([
      ['a', 'Succeeded', '/d.previous'],
      ['b', 'Running', undefined],
    ]);
  });

  it('a successful Job completes the restore: Restored, ChecksumVerified, snapshot in status', () => {
    const start = planRestore(observed(restore({})), NOW).status;
    const plan = planRestore(
      observed(restore({}, start), [
        { name: 'r-restore', state: 'succeeded', completionTime: LATER, result: ok() },
      ]),
      LATER,
    );
    expect(plan.status).toMatchObject({
      phase: 'Completed',
      completionTime: '2026-03-01T12:05:00Z',
      snapshot: { revision: '42', sha256: snapshot.sha256, content: { liveKeys: 10 } },
    });
    expect(condition(plan.status, 'Restored')).toMatchObject({
      status: 'True',
      reason: 'Restored',
    });
    expect(condition(plan.status, 'ChecksumVerified')).toMatchObject({ status: 'True' });
    expect(condition(plan.status, 'SourceValid')).toMatchObject({
      status: 'True',
      reason: 'SourceResolved',
    });
    expect(plan.events).toEqual([
      { type: 'Normal', reason: 'Restored', message: 'restored 10 key(s)' },
    ]);
  });

  it('a finished restore never runs again, whatever Jobs remain', () => {
    const status = { phase: 'Completed' as const, startTime: '2026-03-01T12:00:00Z' };
    const plan = planRestore(observed(restore({}, status), []), LATER);
    expect(plan).toEqual({ actions: [], events: [], status: { ...status, observedGeneration: 1 } });
  });

  it('a dry run completes with Restored False reason DryRun', () => {
    const r = restore({ dryRun: true });
    const start = planRestore(observed(r), NOW).status;
    expect(start.phase).toBe('Verifying');
    const plan = planRestore(
      observed(restore(r.spec, start), [
        {
          name: 'r-restore',
          state: 'succeeded',
          result: ok({ dryRun: true, message: 'dry run: ...' }),
        },
      ]),
      LATER,
    );
    expect(plan.status.phase).toBe('Completed');
    expect(condition(plan.status, 'Restored')).toMatchObject({ status: 'False', reason: 'DryRun' });
  });

  it.each([
    [
      'tampered snapshot',
      { reason: 'ChecksumMismatch', checksumVerified: false },
      'ChecksumVerified',
      'False',
      'ChecksumMismatch',
    ],
    [
      'non-empty target',
      { reason: 'TargetNotEmpty', checksumVerified: true },
      'ChecksumVerified',
      'True',
      'ChecksumVerified',
    ],
    [
      'missing snapshot',
      { reason: 'SnapshotNotFound' },
      'SourceValid',
      'False',
      'SnapshotNotFound',
    ],
    ['wrong identity', { reason: 'DecryptionFailed' }, 'SourceValid', 'False', 'DecryptionFailed'],
  ] as const)(
    '%s: Failed, with the stable reason on Restored and %s',
    (_, result, type, status, reason) => {
      const start = planRestore(observed(restore({})), NOW).status;
      const failed: RestoreAgentResult = {
        kind: 'RestoreAgentResult',
        succeeded: false,
        message: 'what to do',
        ...(result.reason === 'ChecksumMismatch' || result.reason === 'TargetNotEmpty'
          ? { snapshot }
          : {}),
        ...result,
      } as RestoreAgentResult;
      const plan = planRestore(
        observed(restore({}, start), [{ name: 'r-restore', state: 'failed', result: failed }]),
        LATER,
      );
      expect(plan.status.phase).toBe('Failed');
      expect(condition(plan.status, 'Restored')).toMatchObject({
        status: 'False',
        reason: result.reason,
      });
      expect(condition(plan.status, type)).toMatchObject({ status, reason });
      expect(plan.events).toEqual([
        { type: 'Warning', reason: 'RestoreFailed', message: 'what to do' },
      ]);
    },
  );

  it('a Job past its deadline without a result fails with DeadlineExceeded naming restoreTimeout', () => {
    const start = planRestore(observed(restore({})), NOW).status;
    const plan = planRestore(
      observed(restore({}, start), [
        {
          name: 'r-restore',
          state: 'failed',
          failure: { reason: 'DeadlineExceeded', message: '' },
        },
      ]),
      LATER,
    );
    expect(condition(plan.status, 'Restored')).toMatchObject({ reason: 'DeadlineExceeded' });
    expect(plan.status.message).toMatch(/restoreTimeout/);
  });

  it('a missing EtcdBackup or Secret waits (Pending), says what to create, and requeues', () => {
    const noBackup = planRestore(observed(restore({}), [], { backup: null }), NOW);
    expect(noBackup.actions).toEqual([]);
    expect(noBackup.status.phase).toBe('Pending');
    expect(condition(noBackup.status, 'SourceValid')).toMatchObject({
      status: 'False',
      reason: 'BackupNotFound',
    });
    expect(noBackup.requeueAfterMs).toBe(30_000);
    expect(noBackup.events.map((e) => e.reason)).toEqual(['BackupNotFound']);
    const noSecret = planRestore(
      observed(restore({}), [], {
        references: [
          {
            kind: 'Secret',
            name: 'age',
            field: 'spec.source.decryptionSecretRef',
            keys: ['identity.txt'],
            found: false,
            missingKeys: ['identity.txt'],
          },
        ],
      }),
      NOW,
    );
    expect(condition(noSecret.status, 'SourceValid')).toMatchObject({ reason: 'SecretNotFound' });
    expect(noSecret.status.message).toMatch(
      /Secret "age" \(spec\.source\.decryptionSecretRef\) does not exist.*the restore starts once that is fixed/,
    );
    const again = planRestore(observed(restore({}, noBackup.status), [], { backup: null }), LATER);
    expect(again.events).toEqual([]);
  });
});

describe('restore names', () => {
  it('are deterministic and fit the job-name label', () => {
    expect(restoreJobName('r')).toBe('r-restore');
    expect(restoreJobName('r', 2)).toBe('r-m2');
    const long = restoreJobName('x'.repeat(100), 8);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/-[0-9a-f]{8}-m8$/);
    expect(restoreStamp(NOW)).toBe('20260301T120000Z');
  });
});

describe('restoreJobSpec', () => {
  it('a Logical Job: agent restore, the backup destination, the decryption Secret as a file', () => {
    const r = restore({
      source: { backupRef: { name: 'nightly' }, decryptionSecretRef: { name: 'age' } },
    });
    const spec = restoreJobSpec({
      restore: r,
      backup,
      jobName: 'r-restore',
      image: 'img',
      stamp: '20260301T120000Z',
    });
    expect(spec.config).toMatchObject({
      kind: 'RestoreAgentConfig',
      mode: 'Logical',
      source: { name: 'nightly', identityFile: '/etc/etcd-snapshot/identity/identity.txt' },
      logical: { prefix: '', overwrite: false },
    });
    expect(spec.config.source.store).toMatchObject({ kind: 's3', bucket: 'b' });
    const pod = spec.job.spec.template.spec;
    expect(pod.containers[0]!.args).toEqual([
      'agent',
      'restore',
      '--config',
      '/etc/etcd-snapshot/config.json',
    ]);
    expect(pod.volumes.map((v) => v.name)).toContain('etcd-snapshot-identity');
    expect(spec.job.metadata.labels['etcdsnapshot.dev/restore']).toBe('r');
  });

  it('a DataDir member Job is pinned to its node and mounts the data directory parent', () => {
    const r = dataDirRestore([hostPathMember('a', 1)], {
      source: { destination: s3, key: 'other/20260301T000000Z-r00000000000000000042.db' },
    });
    const member = r.spec.dataDir!.members[0]!;
    const spec = restoreJobSpec({
      restore: r,
      jobName: 'r-m0',
      image: 'img',
      member,
      stamp: '20260301T120000Z',
    });
    const pod = spec.job.spec.template.spec;
    expect(pod.nodeName).toBe('n1');
    expect(pod.volumes).toContainEqual({
      name: 'etcd-snapshot-member',
      hostPath: { path: '/var/lib', type: 'DirectoryOrCreate' },
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 0 });
    expect(spec.config.dataDir).toEqual({
      member: { name: 'a', peerURL: 'https://10.0.0.1:2380' },
      dataDir: '/var/lib/etcd-snapshot/member/etcd',
      swap: 'directory',
      initialCluster: 'a=https://10.0.0.1:2380',
      initialClusterToken: 'r-uid-1234',
      bumpRevision: 1_000_000_000,
      markCompacted: true,
      stamp: '20260301T120000Z',
    });
    expect(spec.config.source).toEqual({
      store: expect.objectContaining({ kind: 's3' }),
      key: 'other/20260301T000000Z-r00000000000000000042.db',
    });
  });
});

describe('parseRestoreResult', () => {
  it('accepts a result and ignores anything else', () => {
    expect(parseRestoreResult(JSON.stringify(ok()))).toEqual(ok());
    expect(parseRestoreResult('panic: oops')).toBeUndefined();
    expect(parseRestoreResult(JSON.stringify({ kind: 'BackupAgentResult' }))).toBeUndefined();
    expect(parseRestoreResult(undefined)).toBeUndefined();
  });
});

describe('planRestore: the agent policy', () => {
  const policy = agentPolicyFrom({ ownNamespace: 'etcd-snapshot-system', image: 'img:1' });

  it('fails a hostPath DataDir restore in an untrusted namespace at once: no Job, Restored False Forbidden', () => {
    const r = dataDirRestore([hostPathMember('m0', 1)]);
    const plan = planRestore({ restore: r, backup, references: [], jobs: [], policy }, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.status.phase).toBe('Failed');
    expect(plan.status.conditions?.find((c) => c.type === 'Restored')).toMatchObject({
      status: 'False',
      reason: 'Forbidden',
    });
    expect(plan.status.message).toContain('spec.dataDir.members[0].hostPath');
    expect(plan.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'Forbidden' }),
    ]);
  });

  it('runs it in a trusted namespace', () => {
    const r = dataDirRestore([hostPathMember('m0', 1)]);
    r.metadata!.namespace = 'etcd-snapshot-system';
    const plan = planRestore({ restore: r, backup, references: [], jobs: [], policy }, NOW);
    expect(plan.actions).toHaveLength(1);
  });
});
