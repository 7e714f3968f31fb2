import type { V1ConfigMap, V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import { FINALIZER, LABELS, type EtcdBackup } from '../../../../src/api/v1alpha1/index.js';
import type { BackupJobInput } from '../../../../src/controller/jobs/backup-job.js';
import type { JobWithConfig } from '../../../../src/controller/jobs/builders.js';
import { observeBackup } from '../../../../src/controller/backup/observe.js';
import {
  CACHE_LAG_REQUEUE_MS,
  reconcileBackup,
  type BackupReconcileDeps,
} from '../../../../src/controller/backup/reconcile.js';
import { mergePatch, sameJson } from '../../../../src/controller/kit/status-patch.js';
import { BACKUP_INDEXERS } from '../../../../src/controller/backup/indexes.js';
import { MemoryStore } from '../../../../src/controller/informer-store.js';
import { KubeError } from '../../../../src/kube/errors.js';
import type { InvolvedObject } from '../../../../src/kube/events.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { FakeWriter } from '../kube-fakes.js';
import { backup, minutes } from './fixtures.js';

class FakeBackupClient {
  readonly statusPatches: Array<{ name: string; patch: Record<string, unknown> }> = [];
  readonly patches: Array<Record<string, unknown>> = [];
  statusError: Error | undefined;
  noOpStatus = false;
  rv = 10;
  async patch(_ns: string, name: string, patch: { metadata?: object }) {
    this.patches.push(patch);
    return {
      metadata: { ...patch.metadata, name, resourceVersion: String(++this.rv) },
    } as EtcdBackup;
  }
  async patchStatus(_ns: string, name: string, patch: Record<string, unknown>) {
    if (this.statusError) throw this.statusError;
    this.statusPatches.push({ name, patch });
    // A patch that changes nothing keeps the resourceVersion, as the apiserver does.
    if (this.noOpStatus)
      return { metadata: { name, resourceVersion: String(this.rv) } } as EtcdBackup;
    return { metadata: { name, resourceVersion: String(++this.rv) } } as EtcdBackup;
  }
}

function setup(b: EtcdBackup, nowIso: string) {
  const backups = new MemoryStore<EtcdBackup>();
  backups.upsert(b);
  const jobCache = new MemoryStore<V1Job>(BACKUP_INDEXERS);
  const podCache = new MemoryStore<V1Pod>(BACKUP_INDEXERS);
  const secrets = new Map<string, V1Secret>([
    ['etcd-client', { data: { 'ca.crt': 'Y2E=', 'tls.crt': 'Y2VydA==', 'tls.key': 'c2VjcmV0' } }],
  ]);
  const jobs = new FakeWriter<V1Job>();
  const configMaps = new FakeWriter<V1ConfigMap>();
  const backupClient = new FakeBackupClient();
  const events: string[] = [];
  const built: BackupJobInput[] = [];
  const build = (input: { jobName: string; configMapName: string }): JobWithConfig => ({
    job: { metadata: { name: input.jobName, namespace: 'ns' } },
    configMap: { metadata: { name: input.configMapName, namespace: 'ns' } },
  });
  const deps: BackupReconcileDeps = {
    backups,
    jobCache,
    podCache,
    secrets: { get: async (_ns, name) => secrets.get(name) },
    configMaps,
    jobs,
    backupClient,
    buildRunJob: (input) => (built.push(input), build(input)),
    buildCleanupJob: build,
    image: 'ghcr.io/example/etcd-snapshot:1.0.0',
    clock: { now: () => Date.parse(nowIso) },
    events: {
      record: async (_o: InvolvedObject, type, reason) => void events.push(`${type}/${reason}`),
    },
    logger: silentLogger,
  };
  return { deps, backups, jobCache, podCache, jobs, configMaps, backupClient, events, built };
}

describe('reconcileBackup', () => {
  const DUE = '2026-03-01T01:00:10Z';
  const jobName = `nightly-${minutes('2026-03-01T01:00:00Z')}`;

  it('creates the run (ConfigMap, then Job), records events and writes status once', async () => {
    const t = setup(backup(), DUE);
    const result = await reconcileBackup('ns/nightly', t.deps);
    expect(t.configMaps.created).toEqual([jobName]);
    expect(t.jobs.created).toEqual([jobName]);
    expect(t.built[0]).toMatchObject({ jobName, trigger: 'schedule', configMapName: jobName });
    expect(t.events).toContain('Normal/RunStarted');
    expect(t.backupClient.statusPatches).toHaveLength(1);
    const patch = t.backupClient.statusPatches[0]!.patch as {
      metadata: object;
      status: Record<string, unknown>;
    };
    expect(patch.metadata).toEqual({ resourceVersion: '10' });
    expect(patch.status.lastScheduleTime).toBe('2026-03-01T01:00:00Z');
    expect(result.requeueAfterMs).toBeGreaterThan(0);
  });

  it('treats AlreadyExists on create as done', async () => {
    const t = setup(backup(), DUE);
    await t.jobs.create({ metadata: { name: jobName } });
    await t.configMaps.create({ metadata: { name: jobName } });
    await expect(reconcileBackup('ns/nightly', t.deps)).resolves.toBeDefined();
    expect(t.backupClient.statusPatches).toHaveLength(1);
  });

  it('writes nothing when the status is unchanged', async () => {
    const quiet = '2026-03-01T00:45:00Z';
    const t = setup(backup(), quiet);
    await reconcileBackup('ns/nightly', t.deps);
    expect(t.backupClient.statusPatches).toHaveLength(1);
    const written = t.backupClient.statusPatches[0]!.patch.status as EtcdBackup['status'];
    t.backups.upsert(backup({ status: written }));
    await reconcileBackup('ns/nightly', t.deps);
    expect(t.backupClient.statusPatches).toHaveLength(1);
  });

  it('throws on a Conflict so the queue retries from a fresh read', async () => {
    const t = setup(backup(), DUE);
    t.backupClient.statusError = new KubeError('Conflict', 'the object has been modified', {
      status: 409,
    });
    await expect(reconcileBackup('ns/nightly', t.deps)).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('waits for the cache to show its own write instead of planning from the old version', async () => {
    const t = setup(backup(), DUE);
    const deps = { ...t.deps, superseded: new Map<string, string>() };
    await reconcileBackup('ns/nightly', deps);
    expect(t.backupClient.statusPatches).toHaveLength(1);
    // The cache still holds resourceVersion 10: nothing is planned or written.
    await expect(reconcileBackup('ns/nightly', deps)).resolves.toEqual({
      requeueAfterMs: CACHE_LAG_REQUEUE_MS,
    });
    expect(t.backupClient.statusPatches).toHaveLength(1);
    expect(t.jobs.created).toHaveLength(1);
    // The update arrives: reconciling goes on from the new version.
    const written = t.backupClient.statusPatches[0]!.patch.status as EtcdBackup['status'];
    t.backups.upsert(backup({ metadata: { resourceVersion: '11' }, status: written }));
    const next = await reconcileBackup('ns/nightly', deps);
    expect(next.requeueAfterMs).not.toBe(CACHE_LAG_REQUEUE_MS);
    expect(deps.superseded.get('ns/nightly')).not.toBe('10');
  });

  it('does not wait after a write that made no new version', async () => {
    const t = setup(backup(), DUE);
    t.backupClient.noOpStatus = true;
    const deps = { ...t.deps, superseded: new Map<string, string>() };
    await reconcileBackup('ns/nightly', deps);
    expect(deps.superseded.size).toBe(0);
    const again = await reconcileBackup('ns/nightly', deps);
    expect(again.requeueAfterMs).not.toBe(CACHE_LAG_REQUEUE_MS);
  });

  it('adds the finalizer first, and writes status against the new resourceVersion', async () => {
    const t = setup(backup({ spec: { deletionPolicy: 'Delete' } }), DUE);
    await reconcileBackup('ns/nightly', t.deps);
    expect(t.backupClient.patches).toEqual([
      { metadata: { finalizers: [FINALIZER], resourceVersion: '10' } },
    ]);
    const patch = t.backupClient.statusPatches[0]!.patch as { metadata: object };
    expect(patch.metadata).toEqual({ resourceVersion: '11' });
  });

  it('stamps a run-now Job with its token', async () => {
    const b = backup({
      metadata: { annotations: { 'etcdsnapshot.dev/run-now': 'now-1' } },
      status: { lastScheduleTime: '2026-03-01T01:00:00Z' },
    });
    const t = setup(b, '2026-03-01T01:20:00Z');
    await reconcileBackup('ns/nightly', t.deps);
    const [name] = t.jobs.created;
    expect(name).toBe(`nightly-n${minutes('2026-03-01T01:20:00Z')}`);
    expect(t.jobs.objects.get(name!)?.metadata?.annotations).toEqual({
      'etcdsnapshot.dev/run-now': 'now-1',
    });
  });

  it('returns nothing for a backup that is gone', async () => {
    const t = setup(backup(), DUE);
    await expect(reconcileBackup('ns/other', t.deps)).resolves.toEqual({});
  });
});

describe('observeBackup', () => {
  const jobName = `nightly-${minutes('2026-03-01T01:00:00Z')}`;
  const failedJob: V1Job = {
    metadata: {
      name: jobName,
      namespace: 'ns',
      labels: { [LABELS.backup]: 'nightly' },
      ownerReferences: [
        {
          apiVersion: 'etcdsnapshot.dev/v1alpha1',
          kind: 'EtcdBackup',
          name: 'nightly',
          uid: 'uid-1',
          controller: true,
        },
      ],
    },
    status: {
      startTime: new Date('2026-03-01T01:00:01Z'),
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'backoff',
          lastTransitionTime: new Date('2026-03-01T01:02:00Z'),
        },
      ],
    },
  };
  const pod = (message: string): V1Pod => ({
    metadata: {
      name: `${jobName}-abcde`,
      namespace: 'ns',
      labels: { [LABELS.backup]: 'nightly' },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: 'j', controller: true },
      ],
    },
    status: {
      containerStatuses: [
        {
          name: 'agent',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 2, message } },
        },
      ],
    },
  });

  it('a failed Job with a garbage termination message is still a failure', async () => {
    const t = setup(backup(), '2026-03-01T01:05:00Z');
    t.jobCache.upsert(failedJob);
    t.podCache.upsert(pod('panic: {"kind":"BackupAgentResult", trunc'));
    const observed = await observeBackup('ns/nightly', t.deps);
    expect(observed?.runs).toEqual([
      expect.objectContaining({
        name: jobName,
        state: 'failed',
        trigger: 'schedule',
        result: undefined,
        jobFailure: { reason: 'BackoffLimitExceeded', message: 'backoff' },
        completionTime: new Date('2026-03-01T01:02:00Z'),
      }),
    ]);
  });

  it('reads the agent result from the Pod and only key names from Secrets', async () => {
    const t = setup(backup(), '2026-03-01T01:05:00Z');
    t.jobCache.upsert(failedJob);
    const result = {
      kind: 'BackupAgentResult',
      succeeded: false,
      reason: 'AccessDenied',
      message: 'denied',
    };
    t.podCache.upsert(pod(JSON.stringify(result)));
    const observed = await observeBackup('ns/nightly', t.deps);
    expect(observed?.runs[0]?.result).toEqual(result);
    expect(observed?.references).toEqual([
      expect.objectContaining({ name: 'etcd-client', found: true, missingKeys: [] }),
    ]);
    expect(JSON.stringify(observed)).not.toContain('c2VjcmV0');
  });

  it('ignores Jobs controlled by a deleted namesake', async () => {
    const t = setup(backup(), '2026-03-01T01:05:00Z');
    const stranger = structuredClone(failedJob);
    stranger.metadata!.ownerReferences![0]!.uid = 'uid-old';
    t.jobCache.upsert(stranger);
    expect((await observeBackup('ns/nightly', t.deps))?.runs).toEqual([]);
  });
});

describe('status-patch', () => {
  it('compares ignoring key order, and patches removals with null', () => {
    expect(sameJson({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(mergePatch({ a: 1, n: 'x', o: { k: 1, gone: 2 } }, { a: 1, o: { k: 2 } })).toEqual({
      n: null,
      o: { k: 2, gone: null },
    });
  });
});
