import { WorkQueue } from '../../../src/controller/work-queue.js';
import { FakeClock, flush } from './fake-clock.js';

/** A handler whose calls stay pending until the test releases them. */
function controllableHandler() {
  const calls: string[] = [];
  const pending = new Map<string, Array<(ok: boolean) => void>>();
  const handler = (key: string) => {
    calls.push(key);
    return new Promise<void>((resolve, reject) => {
      const list = pending.get(key) ?? [];
      list.push((ok) => (ok ? resolve() : reject(new Error(`fail ${key}`))));
      pending.set(key, list);
    });
  };
  const finish = async (key: string, ok = true) => {
    const next = pending.get(key)?.shift();
    if (!next) throw new Error(`no pending call for ${key}`);
    next(ok);
    await flush();
  };
  const active = () => [...pending.entries()].filter(([, l]) => l.length > 0).map(([k]) => k);
  return { calls, handler, finish, active };
}

describe('WorkQueue', () => {
  it('dedupes a key queued twice before it runs', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    const h = controllableHandler();
    q.start(h.handler);
    await flush();
    expect(h.calls).toEqual(['ns/a']);
    await h.finish('ns/a');
    expect(h.calls).toEqual(['ns/a', 'ns/b']);
    await h.finish('ns/b');
    expect(q.len()).toBe(0);
    await q.shutDown();
  });

  it('runs a key serially: re-added while processing, it runs once more afterwards', async () => {
    const q = new WorkQueue({ clock: new FakeClock(), concurrency: 4 });
    const h = controllableHandler();
    q.start(h.handler);
    q.add('ns/a');
    await flush();
    q.add('ns/a');
    q.add('ns/a');
    await flush();
    expect(h.calls).toEqual(['ns/a']);
    await h.finish('ns/a');
    expect(h.calls).toEqual(['ns/a', 'ns/a']);
    await h.finish('ns/a');
    expect(h.calls).toHaveLength(2);
    await q.shutDown();
  });

  it('bounds concurrency across keys', async () => {
    const q = new WorkQueue({ clock: new FakeClock(), concurrency: 2 });
    const h = controllableHandler();
    q.start(h.handler);
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await flush();
    expect(h.active()).toEqual(['a', 'b']);
    await h.finish('b');
    expect(h.active()).toEqual(['a', 'c']);
    await h.finish('a');
    await h.finish('c');
    await h.finish('d');
    await q.shutDown();
  });

  it('backs off exponentially per key and resets on forget', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseBackoffMs: 500, maxBackoffMs: 4000 });
    const delays: number[] = [];
    let last = clock.now();
    let failuresLeft = 5;
    q.start(async (key) => {
      delays.push(clock.now() - last);
      last = clock.now();
      if (failuresLeft-- > 0) throw new Error('transient');
      q.forget(key);
    });
    q.add('k');
    await clock.advance(60_000);
    expect(delays).toEqual([0, 500, 1000, 2000, 4000, 4000]);
    expect(q.numRequeues('k')).toBe(0);
    q.addRateLimited('k');
    expect(q.numRequeues('k')).toBe(1);
    await clock.advance(499);
    expect(delays).toHaveLength(6);
    await clock.advance(1);
    expect(delays).toHaveLength(7);
    await q.shutDown();
  });

  it('keeps per-key backoff independent', () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('b');
    expect([q.numRequeues('a'), q.numRequeues('b')]).toEqual([2, 1]);
    q.forget('a');
    expect([q.numRequeues('a'), q.numRequeues('b')]).toEqual([0, 1]);
  });

  it('addAfter: the earliest requested time wins', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const runs: number[] = [];
    const start = clock.now();
    q.start(async () => void runs.push(clock.now() - start));
    q.addAfter('k', 10_000);
    q.addAfter('k', 3_000);
    q.addAfter('k', 7_000);
    await clock.advance(20_000);
    expect(runs).toEqual([3_000]);
    expect(clock.pending()).toBe(0);
    await q.shutDown();
  });

  it('shutDown waits for in-flight work, drops the rest and leaves no timers', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const h = controllableHandler();
    q.start(h.handler);
    q.add('a');
    q.add('b');
    q.addAfter('c', 5_000);
    q.addRateLimited('d');
    await flush();
    let stopped = false;
    const stopping = q.shutDown().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    expect(clock.pending()).toBe(0);
    await h.finish('a');
    await stopping;
    expect(stopped).toBe(true);
    expect(h.calls).toEqual(['a']);
    q.add('e');
    await clock.advance(10_000);
    expect(h.calls).toEqual(['a']);
  });

  it('requeues a key whose handler throws, without blocking other keys', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseBackoffMs: 1000 });
    const seen: string[] = [];
    q.start(async (key) => {
      seen.push(key);
      if (key === 'bad' && seen.filter((k) => k === 'bad').length === 1) throw new Error('x');
    });
    q.add('bad');
    q.add('good');
    await clock.advance(0);
    expect(seen).toEqual(['bad', 'good']);
    await clock.advance(1000);
    expect(seen).toEqual(['bad', 'good', 'bad']);
    await q.shutDown();
  });
});
