import { Manager } from '../../../src/controller/manager.js';
import { enqueueObject } from '../../../src/controller/informer-handlers.js';
import { KubeError } from '../../../src/kube/errors.js';
import type { LeasePort, LeaseRecord, StoredLease } from '../../../src/kube/leases.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createRegistry } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from './fake-clock.js';
import { FakeListWatch, obj } from './fake-list-watch.js';

class MemoryLeases implements LeasePort {
  stored: StoredLease | undefined;
  down = false;
  async get() {
    if (this.down) throw new KubeError('Unavailable', 'down');
    return this.stored;
  }
  async create(_n: string, _m: string, record: LeaseRecord) {
    this.stored = { record, resourceVersion: '1' };
    return this.stored;
  }
  async update(_n: string, _m: string, record: LeaseRecord, rv: string) {
    if (this.down) throw new KubeError('Unavailable', 'down');
    this.stored = { record, resourceVersion: String(Number(rv) + 1) };
    return this.stored;
  }
}

function setup() {
  const clock = new FakeClock();
  const leases = new MemoryLeases();
  const fatal: string[] = [];
  const registry = createRegistry({ defaultMetrics: false });
  const manager = new Manager({
    clock,
    logger: silentLogger,
    registry,
    leaderElection: { lease: leases, namespace: 'ns', name: 'lock', identity: 'me' },
    onFatal: (r) => fatal.push(r),
  });
  const source = new FakeListWatch();
  source.lists = [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '5' }];
  const informer = manager.informer('things', source);
  const reconciled: string[] = [];
  let failB = 1;
  const queue = manager.controller({
    name: 'things',
    concurrency: 2,
    reconcile: async (key) => {
      reconciled.push(key);
      if (key === 'ns/b' && failB-- > 0) throw new Error('transient');
      return key === 'ns/a' ? { requeueAfterMs: 60_000 } : {};
    },
  });
  informer.addHandler(enqueueObject(queue));
  return { clock, leases, fatal, registry, manager, source, reconciled };
}

describe('Manager', () => {
  it('reconciles after winning the election and syncing; requeues and backs off', async () => {
    const { clock, manager, reconciled, registry } = setup();
    await manager.start();
    await clock.advance(200);
    expect(manager.isLeader()).toBe(true);
    expect(manager.ready()).toBe(true);
    expect(reconciled.sort()).toEqual(['ns/a', 'ns/b']);
    await clock.advance(500); // b's backoff
    expect(reconciled.filter((k) => k === 'ns/b')).toHaveLength(2);
    await clock.advance(60_000); // a's requeueAfter
    expect(reconciled.filter((k) => k === 'ns/a')).toHaveLength(2);
    const text = await registry.metrics();
    expect(text).toContain('etcd_snapshot_operator_reconcile_errors_total{controller="things"} 1');
    await manager.stop();
    expect(manager.ready()).toBe(false);
  });

  it('on losing the lease stops reconciling at once and reports a fatal error', async () => {
    const { clock, leases, manager, fatal, source, reconciled } = setup();
    await manager.start();
    await clock.advance(200);
    leases.down = true;
    await clock.advance(10_000);
    expect(fatal).toEqual(['leader election lost']);
    expect(manager.healthy()).toBe(false);
    const before = reconciled.length;
    source.emit({ type: 'ADDED', object: obj('c', '9') });
    await clock.advance(5_000);
    expect(reconciled).toHaveLength(before);
    await manager.stop();
  });

  it('a standby syncs its caches and is ready, but does not reconcile', async () => {
    const { clock, leases, manager, reconciled } = setup();
    leases.stored = {
      record: {
        holderIdentity: 'other',
        leaseDurationSeconds: 15,
        leaseTransitions: 0,
        renewTime: new Date(clock.now()),
      },
      resourceVersion: '1',
    };
    await manager.start();
    await clock.advance(5_000);
    expect(manager.isLeader()).toBe(false);
    expect(manager.ready()).toBe(true);
    expect(reconciled).toEqual([]);
    await manager.stop();
    await flush();
  });
});
