import { LeaderElector, leaderIdentity } from '../../../src/controller/leader-election.js';
import { KubeError } from '../../../src/kube/errors.js';
import type { LeasePort, LeaseRecord, StoredLease } from '../../../src/kube/leases.js';
import { FakeClock, flush } from './fake-clock.js';

/** One in-memory Lease with resourceVersion checks and switchable failures. */
class FakeLeases implements LeasePort {
  stored: StoredLease | undefined;
  private rv = 0;
  failing = false;
  hanging = false;
  updates = 0;

  private gate(): Promise<void> {
    if (this.hanging) return new Promise(() => {});
    if (this.failing) return Promise.reject(new KubeError('Unavailable', 'ECONNREFUSED'));
    return Promise.resolve();
  }

  async get(): Promise<StoredLease | undefined> {
    await this.gate();
    return this.stored;
  }

  async create(_ns: string, _name: string, record: LeaseRecord): Promise<StoredLease> {
    await this.gate();
    if (this.stored) throw new KubeError('AlreadyExists', 'exists', { reason: 'AlreadyExists' });
    this.stored = { record, resourceVersion: String(++this.rv) };
    return this.stored;
  }

  async update(_ns: string, _n: string, record: LeaseRecord, rv: string): Promise<StoredLease> {
    await this.gate();
    if (this.stored?.resourceVersion !== rv) throw new KubeError('Conflict', 'conflict');
    this.updates++;
    this.stored = { record, resourceVersion: String(++this.rv) };
    return this.stored;
  }
}

/** A LeasePort view that one replica uses; `dead` makes it unable to reach the apiserver. */
function view(leases: FakeLeases) {
  const v = { dead: false } as { dead: boolean } & LeasePort;
  const guard = <T>(fn: () => Promise<T>) =>
    v.dead ? Promise.reject(new KubeError('Unavailable', 'partitioned')) : fn();
  v.get = () => guard(() => leases.get());
  v.create = (ns, n, r) => guard(() => leases.create(ns, n, r));
  v.update = (ns, n, r, rv) => guard(() => leases.update(ns, n, r, rv));
  return v;
}

function elector(clock: FakeClock, lease: LeasePort, identity: string) {
  const events: string[] = [];
  const e = new LeaderElector({
    lease,
    namespace: 'ns',
    name: 'lock',
    identity,
    clock,
    callbacks: {
      onStartedLeading: () => events.push(`started@${clock.now() - start}`),
      onStoppedLeading: () => events.push(`stopped@${clock.now() - start}`),
    },
  });
  const start = clock.now();
  return { e, events };
}

describe('LeaderElector', () => {
  it('creates the lease and leads; renews every retry period', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(clock, leases, 'a');
    a.e.start();
    await flush();
    expect(a.e.isLeader()).toBe(true);
    expect(a.events).toEqual(['started@0']);
    expect(leases.stored?.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15 });
    await clock.advance(10_000);
    expect(leases.updates).toBe(5);
    expect(leases.stored?.record.renewTime?.getTime()).toBe(clock.now());
    await a.e.stop();
    expect(clock.pending()).toBe(0);
  });

  it('a standby waits for the lease to expire, then takes over (dead leader)', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const viewA = view(leases);
    const a = elector(clock, viewA, 'a');
    const b = elector(clock, view(leases), 'b');
    a.e.start();
    await flush();
    b.e.start();
    await clock.advance(30_000);
    expect([a.e.isLeader(), b.e.isLeader()]).toEqual([true, false]);
    expect(b.e.currentLeader()).toBe('a');
    viewA.dead = true; // the leader can no longer renew
    const diedAt = clock.now();
    let tookOver = 0;
    while (!b.e.isLeader()) {
      await clock.advance(500);
      tookOver = clock.now() - diedAt;
    }
    expect(tookOver).toBeLessThanOrEqual(20_000);
    expect(tookOver).toBeGreaterThanOrEqual(13_000);
    expect(leases.stored?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // the old leader stopped acting at its renew deadline, before b took over
    expect(a.events).toEqual(['started@0', expect.stringMatching(/^stopped@/)]);
    const stoppedAt = Number(a.events[1]!.split('@')[1]);
    expect(stoppedAt - 30_000).toBeLessThanOrEqual(10_000);
    expect(a.e.isLeader()).toBe(false);
    await Promise.all([a.e.stop(), b.e.stop()]);
  });

  it('renewal that hangs still loses leadership at the renew deadline, exactly once', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(clock, leases, 'a');
    a.e.start();
    await flush();
    await clock.advance(4_000); // renewed at 2 s and 4 s
    leases.hanging = true;
    await clock.advance(9_999);
    expect(a.events).toEqual(['started@0']);
    await clock.advance(1);
    expect(a.events).toEqual(['started@0', 'stopped@14000']);
    expect(a.e.isLeader()).toBe(false);
    await clock.advance(60_000);
    expect(a.events).toHaveLength(2);
  });

  it('keeps leading through short renewal failures', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(clock, leases, 'a');
    a.e.start();
    await flush();
    leases.failing = true; // renewals at 2, 4 and 6 s fail; 8 s succeeds
    await clock.advance(7_000);
    leases.failing = false;
    await clock.advance(30_000);
    expect(a.e.isLeader()).toBe(true);
    expect(a.events).toEqual(['started@0']);
    await a.e.stop();
  });

  it('release on stop hands over on the next retry, without onStoppedLeading', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(clock, leases, 'a');
    const b = elector(clock, leases, 'b');
    a.e.start();
    await flush();
    b.e.start();
    await clock.advance(5_000);
    await a.e.stop();
    expect(leases.stored?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(a.events).toEqual(['started@0']);
    await clock.advance(2_000);
    expect(b.e.isLeader()).toBe(true);
    await b.e.stop();
  });

  it('steps down at once when it sees another holder', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = elector(clock, leases, 'a');
    a.e.start();
    await flush();
    leases.stored = {
      record: { ...leases.stored!.record, holderIdentity: 'intruder' },
      resourceVersion: '999',
    };
    await clock.advance(2_000);
    expect(a.events).toEqual(['started@0', 'stopped@2000']);
  });

  it('identity is the pod name plus a random suffix', () => {
    const id = leaderIdentity('operator-7d9f');
    expect(id).toMatch(/^operator-7d9f_[0-9a-f]{8}$/);
    expect(leaderIdentity('operator-7d9f')).not.toBe(id);
  });
});
