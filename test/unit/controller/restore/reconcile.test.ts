import type { V1ConfigMap, V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import {
  API_VERSION,
  KINDS,
  LABELS,
  type EtcdRestore,
} from '../../../../src/api/v1alpha1/index.js';
import { MemoryStore } from '../../../../src/controller/informer-store.js';
import { restoreJobName } from '../../../../src/controller/jobs/names.js';
import { JobSpecError } from '../../../../src/controller/jobs/wiring.js';
import { agentPolicyFrom } from '../../../../src/controller/policy/policy-from.js';
import {
  defaultRestoreJobBuilder,
  reconcileRestore,
  type RestoreReconcileDeps,
} from '../../../../src/controller/restore/reconcile.js';
import { KubeError } from '../../../../src/kube/errors.js';
import type { InvolvedObject } from '../../../../src/kube/events.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { FakeWriter } from '../kube-fakes.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const IMAGE = 'ghcr.io/etcd-snapshot-operator/etcd-snapshot:0.1.0';
const JOB = restoreJobName('r');

function restore(spec: Partial<EtcdRestore['spec']> = {}, status?: EtcdRestore['status']) {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.restore,
    metadata: {
      name: 'r',
      namespace: 'ns',
      uid: 'uid-r-12345678',
      generation: 1,
      resourceVersion: '7',
    },
    spec: {
      source: {
        destination: { s3: { bucket: 'b', credentialsSecretRef: { name: 's3' } } },
        key: 'b/20260301T000000Z-r00000000000000000042.db',
      },
      mode: 'Logical',
      logical: { etcd: { endpoints: ['https://10.0.0.1:2379'] } },
      ...spec,
    },
    ...(status ? { status } : {}),
  } as EtcdRestore;
}

function setup(r: EtcdRestore, secrets: Record<string, Record<string, string>> = { s3: S3 }) {
  const restores = new MemoryStore<EtcdRestore>();
  restores.upsert(r);
  const jobCache = new MemoryStore<V1Job>();
  const jobs = new FakeWriter<V1Job>();
  const configMaps = new FakeWriter<V1ConfigMap>();
  const statusPatches: Array<{ metadata?: object; status?: unknown }> = [];
  const events: string[] = [];
  const deps: RestoreReconcileDeps = {
    restores,
    jobCache,
    podCache: new MemoryStore<V1Pod>(),
    secrets: {
      get: async (_ns, name) => (secrets[name] ? ({ data: secrets[name] } as V1Secret) : undefined),
    },
    configMaps,
    backupClient: { get: async () => undefined },
    jobs,
    restoreClient: {
      patchStatus: async (_ns, name, patch) => {
        statusPatches.push(patch);
        return { metadata: { name, resourceVersion: '8' } } as EtcdRestore;
      },
    },
    events: {
      record: async (_o: InvolvedObject, type, reason) => void events.push(`${type}/${reason}`),
    },
    buildJob: defaultRestoreJobBuilder,
    image: IMAGE,
    policy: agentPolicyFrom({ ownNamespace: 'etcd-snapshot-system', image: IMAGE }),
    clock: { now: () => NOW },
    logger: silentLogger,
  };
  return { deps, jobs, configMaps, statusPatches, events, restores, jobCache };
}

/** The restore's Job as the cache holds it: owned by the EtcdRestore, labelled with it. */
const ownedJob = (): V1Job => ({
  metadata: {
    name: JOB,
    namespace: 'ns',
    labels: { [LABELS.restore]: 'r' },
    ownerReferences: [
      {
        apiVersion: API_VERSION,
        kind: KINDS.restore,
        name: 'r',
        uid: 'uid-r-12345678',
        controller: true,
      },
    ],
  },
});
const S3 = { AWS_ACCESS_KEY_ID: 'aWQ=', AWS_SECRET_ACCESS_KEY: 'c2VjcmV0' };
type Status = NonNullable<EtcdRestore['status']>;
const statusOf = (patch: { status?: unknown } | undefined) => patch?.status as Status;

describe('reconcileRestore', () => {
  it('creates the ConfigMap, then the Job; records RestoreStarted; writes status once', async () => {
    const t = setup(restore());
    await reconcileRestore('ns/r', t.deps);
    expect(t.configMaps.created).toEqual([JOB]);
    expect(t.jobs.created).toEqual([JOB]);
    expect(t.events).toEqual(['Normal/RestoreStarted']);
    expect(t.statusPatches).toHaveLength(1);
    expect(t.statusPatches[0]!.metadata).toEqual({ resourceVersion: '7' });
    expect(statusOf(t.statusPatches[0]).phase).toBe('Restoring');
  });

  it('is idempotent: a Job that exists is not created again, an unchanged status not written', async () => {
    const t = setup(restore());
    await reconcileRestore('ns/r', t.deps);
    const written = statusOf(t.statusPatches[0]);
    t.restores.upsert(restore({}, written));
    t.jobCache.upsert(ownedJob());
    await reconcileRestore('ns/r', t.deps);
    expect(t.jobs.created).toEqual([JOB]);
    expect(t.statusPatches).toHaveLength(1);
  });

  it('treats AlreadyExists as done when the cache has not seen the Job yet', async () => {
    const t = setup(restore());
    await t.configMaps.create({ metadata: { name: JOB } });
    await t.jobs.create({ metadata: { name: JOB } });
    await expect(reconcileRestore('ns/r', t.deps)).resolves.toBeDefined();
    expect(t.statusPatches).toHaveLength(1);
  });

  it('waits for a missing Secret: Pending, SecretNotFound, a Warning, no Job, a requeue', async () => {
    const t = setup(restore(), {});
    const result = await reconcileRestore('ns/r', t.deps);
    expect(t.jobs.created).toEqual([]);
    expect(t.events).toEqual(['Warning/SecretNotFound']);
    const status = statusOf(t.statusPatches[0]);
    expect(status.phase).toBe('Pending');
    expect(status.message).toContain('spec.source.destination.s3.credentialsSecretRef');
    expect(result.requeueAfterMs).toBe(30_000);
  });

  it('fails a spec the Job builder refuses, once, without a Job', async () => {
    const t = setup(restore());
    const deps: RestoreReconcileDeps = {
      ...t.deps,
      buildJob: () => {
        throw new JobSpecError('spec.restoreTimeout must be longer than 0, e.g. 1h');
      },
    };
    await reconcileRestore('ns/r', deps);
    expect(t.jobs.created).toEqual([]);
    const status = statusOf(t.statusPatches[0]);
    expect(status.phase).toBe('Failed');
    expect(status.conditions?.find((c) => c.type === 'Restored')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
    });
    expect(t.events).toEqual(['Warning/InvalidSpec']);
  });

  it('fails what the agent policy refuses, without a Job', async () => {
    const t = setup(restore({ jobTemplate: { hostNetwork: true } }));
    await reconcileRestore('ns/r', t.deps);
    expect(t.jobs.created).toEqual([]);
    expect(t.configMaps.created).toEqual([]);
    expect(statusOf(t.statusPatches[0]).phase).toBe('Failed');
    expect(t.events).toEqual(['Warning/Forbidden']);
  });

  it('throws a Conflict on the status write, so the queue retries from a fresh read', async () => {
    const t = setup(restore());
    const deps: RestoreReconcileDeps = {
      ...t.deps,
      restoreClient: {
        patchStatus: async () => {
          throw new KubeError('Conflict', 'the object has been modified', { status: 409 });
        },
      },
    };
    await expect(reconcileRestore('ns/r', deps)).rejects.toThrow(/modified/);
  });
});

describe('reconcileRestore: progress of a running restore, from its agent log', () => {
  const runningPod = (): V1Pod => ({
    metadata: {
      name: `${JOB}-abcde`,
      namespace: 'ns',
      labels: { [LABELS.restore]: 'r', 'batch.kubernetes.io/job-name': JOB },
    },
    status: { phase: 'Running' },
  });
  const line = (progress: object) =>
    JSON.stringify({ level: 30, msg: 'restore progress', progress });

  function running(log: () => Promise<string>) {
    const t = setup(restore({}, { phase: 'Restoring', startTime: '2026-03-01T11:59:00Z' }));
    t.jobCache.upsert(ownedJob());
    const podCache = new MemoryStore<V1Pod>();
    podCache.upsert(runningPod());
    const asked: string[] = [];
    const deps: RestoreReconcileDeps = {
      ...t.deps,
      podCache,
      podLogs: {
        tail: async (namespace, pod, container, options) => {
          asked.push(`${namespace}/${pod}/${container} ${options.lines}`);
          return log();
        },
      },
    };
    return { ...t, deps, asked };
  }

  it('puts the newest progress line in status.progress and the message, and looks again in 5 s', async () => {
    const t = running(async () =>
      [
        line({ phase: 'Downloading', bytes: 10, totalBytes: 10, time: '2026-03-01T11:59:30Z' }),
        line({
          phase: 'Writing',
          keys: 250,
          totalKeys: 1000,
          bytes: 9000,
          time: '2026-03-01T11:59:58Z',
        }),
        '{"level":30,"msg":"something else"}',
        '',
      ].join('\n'),
    );
    const result = await reconcileRestore('ns/r', t.deps);
    expect(t.asked).toEqual([`ns/${JOB}-abcde/agent 20`]);
    const status = statusOf(t.statusPatches[0]);
    expect(status.progress).toEqual({
      phase: 'Writing',
      keys: 250,
      totalKeys: 1000,
      bytes: 9000,
      percent: 25,
      updateTime: '2026-03-01T11:59:58Z',
    });
    expect(status.message).toBe('writing keys: 250 of 1000 keys (25%)');
    expect(result.requeueAfterMs).toBe(5000);
  });

  it('a log that cannot be read leaves progress out and the reconcile going', async () => {
    const t = running(async () => {
      throw new KubeError('Forbidden', 'pods "x" is forbidden: cannot get resource "pods/log"', {
        status: 403,
      });
    });
    const result = await reconcileRestore('ns/r', t.deps);
    const status = statusOf(t.statusPatches[0]);
    expect(status.progress).toBeUndefined();
    expect(status.message).toBe('restoring: 1 Job(s) running');
    expect(result.requeueAfterMs).toBe(5000);
  });
});
