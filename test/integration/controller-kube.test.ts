import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { systemClock } from '../../src/controller/clock.js';
import { Informer, type RestartReason } from '../../src/controller/informer.js';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { KubeError } from '../../src/kube/errors.js';
import type { EventWire } from '../../src/kube/events.js';
import type { LeasePort } from '../../src/kube/leases.js';
import type { ListWatchSource, WatchHandle, WatchHandlers } from '../../src/kube/list-watch.js';
import { createKubePorts, type KubePorts } from '../../src/kube/ports.js';
import { RestResourceClient, type KubeObject } from '../../src/kube/resource-client.js';
import { CONFIG_MAPS, EVENTS, type ResourceType } from '../../src/kube/resources.js';
import { RestClient } from '../../src/kube/rest-client.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { startApiServer, type ApiServer } from '../support/testbed/kube.js';
import { freePort } from '../support/testbed/ports.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'controller-kube-'));
let etcd: EtcdServer;
let api: ApiServer;
let kc: KubeConfig;
let rest: RestClient;
let ports: KubePorts;
let configMaps: RestResourceClient<V1ConfigMap>;
const NS = 'default';

beforeAll(async () => {
  etcd = await startEtcd({ dir: path.join(dir, 'etcd') });
  api = await startApiServer({ dir: path.join(dir, 'api'), etcdEndpoint: etcd.endpoint });
  kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  rest = new RestClient(kc);
  ports = createKubePorts(kc);
  configMaps = new RestResourceClient<V1ConfigMap>(rest, CONFIG_MAPS);
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function cm(name: string, data: Record<string, string>, labels?: Record<string, string>) {
  return { metadata: { namespace: NS, name, labels }, data } as V1ConfigMap;
}

/** Delegates to a real source; `kill()` breaks the open watch as a dropped connection would. */
class KillableSource<T> implements ListWatchSource<T> {
  readonly description: string;
  private current: { handle: WatchHandle; handlers: WatchHandlers<T> } | undefined;
  constructor(private readonly inner: ListWatchSource<T>) {
    this.description = inner.description;
  }
  list() {
    return this.inner.list();
  }
  watch(rv: string, handlers: WatchHandlers<T>): WatchHandle {
    const handle = this.inner.watch(rv, handlers);
    this.current = { handle, handlers };
    return handle;
  }
  kill(): void {
    const c = this.current;
    this.current = undefined;
    c?.handle.stop();
    c?.handlers.onClose(new KubeError('Unavailable', 'connection reset (test)'));
  }
}

function startInformer<T extends KubeObject>(
  source: ListWatchSource<T>,
  extra: { watchdogMs?: number } = {},
) {
  const restarts: RestartReason[] = [];
  const keys: string[] = [];
  const informer = new Informer<T>({
    name: 'it',
    source,
    clock: systemClock,
    minBackoffMs: 200,
    maxBackoffMs: 1000,
    resyncMs: 0,
    onRestart: (r) => restarts.push(r),
    ...extra,
  });
  informer.addHandler((o) => keys.push(`${o.metadata?.namespace}/${o.metadata?.name}`));
  informer.start();
  return { informer, restarts, keys };
}

async function cacheMatchesApi(
  informer: Informer<V1ConfigMap>,
  selector: string,
): Promise<true | undefined> {
  const { items } = await configMaps.list(NS, { labelSelector: selector });
  const want = items.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();
  const have = informer.store
    .list()
    .map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
    .sort();
  return JSON.stringify(want) === JSON.stringify(have) ? true : undefined;
}

describe('kube adapters against a real apiserver', () => {
  it('translate errors into typed codes', async () => {
    expect(await configMaps.get(NS, 'missing')).toBeUndefined();
    expect(await configMaps.delete(NS, 'missing')).toBe(false);
    const created = await configMaps.create(cm('errs', { a: '1' }));
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    await expect(configMaps.create(cm('errs', {}))).rejects.toMatchObject({
      code: 'AlreadyExists',
    });
    const stale = { ...created, data: { a: '2' } };
    await configMaps.replace(stale);
    await expect(configMaps.replace({ ...created, data: { a: '3' } })).rejects.toMatchObject({
      code: 'Conflict',
      status: 409,
    });
    await expect(configMaps.create(cm('Not_Valid', {}))).rejects.toMatchObject({
      code: 'Invalid',
    });
    const patched = await configMaps.patch(NS, 'errs', { data: { b: 'x' } });
    expect(patched.data).toEqual({ a: '2', b: 'x' });
    const dead = new KubeConfig();
    dead.loadFromOptions({
      clusters: [
        { name: 'c', server: `https://127.0.0.1:${await freePort()}`, skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const unreachable = new RestResourceClient<V1ConfigMap>(new RestClient(dead), CONFIG_MAPS);
    await expect(unreachable.get(NS, 'x')).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('merge-patches a custom resource and its status subresource', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.test.etcdsnapshot.dev' },
      spec: {
        group: 'test.etcdsnapshot.dev',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        ],
      },
    };
    await rest.json({
      method: 'POST',
      path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      body: crd,
      what: 'create CRD',
    });
    const WIDGETS: ResourceType = {
      group: 'test.etcdsnapshot.dev',
      version: 'v1',
      plural: 'widgets',
      kind: 'Widget',
      namespaced: true,
    };
    type Widget = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
    const widgets = ports.customResource<Widget>(WIDGETS);
    await waitFor(
      async () =>
        (await widgets.create({ metadata: { namespace: NS, name: 'w' }, spec: { size: 1 } }))
          ? true
          : undefined,
      { timeoutMs: 30_000, what: 'the CRD to be served' },
    );
    const specPatched = await widgets.patch(NS, 'w', { spec: { color: 'red' } });
    expect(specPatched.spec).toEqual({ size: 1, color: 'red' });
    // status is ignored on the main resource and written only via the subresource
    await widgets.patch(NS, 'w', { status: { phase: 'Ignored' } });
    const withStatus = await widgets.patchStatus(NS, 'w', { status: { phase: 'Ready' } });
    expect(withStatus.status).toEqual({ phase: 'Ready' });
    expect((await widgets.get(NS, 'w'))?.status).toEqual({ phase: 'Ready' });
    expect(await widgets.delete(NS, 'w')).toBe(true);
  });

  it('records Events and aggregates repeats into a series', async () => {
    const recorder = ports.eventRecorder({ controller: 'etcdsnapshot.dev/test', instance: 'it' });
    const target = await configMaps.create(cm('evented', {}));
    const regarding = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: NS,
      name: 'evented',
      uid: target.metadata?.uid,
    };
    await recorder.record(regarding, 'Warning', 'SnapshotFailed', 'etcd unreachable');
    await recorder.record(regarding, 'Warning', 'SnapshotFailed', 'etcd unreachable');
    await recorder.record(regarding, 'Normal', 'SnapshotSucceeded', 'done');
    const events = new RestResourceClient<EventWire>(rest, EVENTS);
    const { items } = await events.list(NS, {
      fieldSelector: 'regarding.name=evented',
    });
    const failed = items.filter((e) => e.reason === 'SnapshotFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: 'Warning', note: 'etcd unreachable' });
    expect(failed[0]?.series?.count).toBe(2);
    expect(items.filter((e) => e.reason === 'SnapshotSucceeded')).toHaveLength(1);
  });
});

describe('Informer against a real apiserver', () => {
  it('sees create, update and delete; the cache matches the API', async () => {
    const source = ports.listWatch<V1ConfigMap>(CONFIG_MAPS, {
      namespace: NS,
      labelSelector: 'suite=crud',
    });
    await configMaps.create(cm('pre', { v: '0' }, { suite: 'crud' }));
    const { informer, keys } = startInformer(source);
    try {
      await waitFor(async () => (informer.hasSynced() ? true : undefined), {
        timeoutMs: 10_000,
        what: 'sync',
      });
      expect(informer.store.get(`${NS}/pre`)?.data).toEqual({ v: '0' });
      await configMaps.create(cm('a', { v: '1' }, { suite: 'crud' }));
      await configMaps.patch(NS, 'a', { data: { v: '2' } });
      await configMaps.delete(NS, 'pre');
      await waitFor(() => cacheMatchesApi(informer, 'suite=crud'), {
        timeoutMs: 10_000,
        what: 'the cache to match the API',
      });
      expect(informer.store.get(`${NS}/a`)?.data).toEqual({ v: '2' });
      expect(informer.store.get(`${NS}/a`)?.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(informer.store.get(`${NS}/pre`)).toBeUndefined();
      expect(keys).toEqual(expect.arrayContaining([`${NS}/pre`, `${NS}/a`]));
    } finally {
      await informer.stop();
    }
  });

  it('restarts a killed watch and converges on what changed meanwhile', async () => {
    const source = new KillableSource(
      ports.listWatch<V1ConfigMap>(CONFIG_MAPS, { namespace: NS, labelSelector: 'suite=kill' }),
    );
    const { informer, restarts } = startInformer(source);
    try {
      await waitFor(async () => (informer.hasSynced() ? true : undefined), {
        timeoutMs: 10_000,
        what: 'sync',
      });
      source.kill();
      await configMaps.create(cm('during-outage', { v: '1' }, { suite: 'kill' }));
      await waitFor(() => cacheMatchesApi(informer, 'suite=kill'), {
        timeoutMs: 10_000,
        what: 'the cache to converge after the watch was killed',
      });
      expect(restarts).toContain('error');
      expect(informer.store.get(`${NS}/during-outage`)).toBeDefined();
    } finally {
      await informer.stop();
    }
  });

  it('the watchdog restarts a silent watch, which keeps working', async () => {
    const source = ports.listWatch<V1ConfigMap>(CONFIG_MAPS, {
      namespace: NS,
      labelSelector: 'suite=watchdog',
    });
    const { informer, restarts } = startInformer(source, { watchdogMs: 1_000 });
    try {
      await waitFor(async () => (restarts.includes('watchdog') ? true : undefined), {
        timeoutMs: 10_000,
        what: 'a watchdog restart',
      });
      await configMaps.create(cm('after-watchdog', {}, { suite: 'watchdog' }));
      await waitFor(() => cacheMatchesApi(informer, 'suite=watchdog'), {
        timeoutMs: 10_000,
        what: 'the cache after watchdog restarts',
      });
    } finally {
      await informer.stop();
    }
  });
});

describe('LeaderElector against a real apiserver', () => {
  /** A replica's view of the Lease API; `dead` simulates the process being gone. */
  function replicaLeases(): LeasePort & { dead: boolean } {
    const real = ports.leases;
    const v = { dead: false } as LeasePort & { dead: boolean };
    const guard = <T>(fn: () => Promise<T>) => (v.dead ? new Promise<T>(() => {}) : fn());
    v.get = (ns, n) => guard(() => real.get(ns, n));
    v.create = (ns, n, r) => guard(() => real.create(ns, n, r));
    v.update = (ns, n, r, rv) => guard(() => real.update(ns, n, r, rv));
    return v;
  }

  function replica(identity: string, leaseName: string) {
    const leases = replicaLeases();
    const state = { started: 0, stopped: 0 };
    const elector = new LeaderElector({
      lease: leases,
      namespace: NS,
      name: leaseName,
      identity,
      clock: systemClock,
      leaseDurationMs: 3_000,
      renewDeadlineMs: 2_000,
      retryPeriodMs: 500,
      callbacks: {
        onStartedLeading: () => state.started++,
        onStoppedLeading: () => state.stopped++,
      },
    });
    return { elector, leases, state, identity };
  }

  it('exactly one leads; a dead leader is replaced quickly; a release hands over at once', async () => {
    const replicas = ['a', 'b', 'c'].map((id) => replica(id, 'operator-lock'));
    for (const r of replicas) r.elector.start();
    const first = await waitFor(async () => replicas.find((r) => r.elector.isLeader()), {
      timeoutMs: 10_000,
      what: 'a leader',
    });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(replicas.filter((r) => r.elector.isLeader())).toEqual([first]);
    expect((await ports.leases.get(NS, 'operator-lock'))?.record.holderIdentity).toBe(
      first.identity,
    );

    first.leases.dead = true;
    const diedAt = Date.now();
    const second = await waitFor(
      async () => replicas.find((r) => r !== first && r.elector.isLeader()),
      { timeoutMs: 20_000, what: 'a new leader after the first died' },
    );
    expect(Date.now() - diedAt).toBeLessThan(20_000);
    expect(first.state.stopped).toBe(1);
    expect(first.elector.isLeader()).toBe(false);
    expect(replicas.filter((r) => r.elector.isLeader())).toEqual([second]);

    const releasedAt = Date.now();
    await second.elector.stop();
    expect(second.state.stopped).toBe(0);
    const third = await waitFor(
      async () => replicas.find((r) => r !== first && r !== second && r.elector.isLeader()),
      { timeoutMs: 10_000, what: 'a leader after the release', intervalMs: 50 },
    );
    expect(Date.now() - releasedAt).toBeLessThan(1_500);
    const lease = await ports.leases.get(NS, 'operator-lock');
    expect(lease?.record).toMatchObject({ holderIdentity: third.identity, leaseTransitions: 2 });
    await third.elector.stop();
    first.leases.dead = false;
    await first.elector.stop();
  });
});
