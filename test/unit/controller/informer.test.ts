import { Informer, type RestartReason } from '../../../src/controller/informer.js';
import { KubeError } from '../../../src/kube/errors.js';
import { FakeClock, flush } from './fake-clock.js';
import { FakeListWatch, obj, type Obj } from './fake-list-watch.js';

function setup(options: { watchdogMs?: number; resyncMs?: number } = {}) {
  const clock = new FakeClock();
  const source = new FakeListWatch();
  const restarts: RestartReason[] = [];
  const informer = new Informer<Obj>({
    name: 'test',
    source,
    clock,
    watchdogMs: options.watchdogMs ?? 60_000,
    resyncMs: options.resyncMs ?? 0,
    minBackoffMs: 1000,
    maxBackoffMs: 8000,
    onRestart: (r) => restarts.push(r),
  });
  const seen: string[] = [];
  informer.addHandler((o) => seen.push(`${o.metadata.name}@${o.metadata.resourceVersion}`));
  return { clock, source, informer, seen, restarts };
}

describe('Informer', () => {
  it('lists, syncs, then applies watch events to the cache and handlers', async () => {
    const { source, informer, seen } = setup();
    source.lists = [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' }];
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await flush();
    expect(informer.hasSynced()).toBe(true);
    expect(source.watchCalls).toEqual(['10']);
    source.emit({ type: 'MODIFIED', object: obj('a', '11', 'x') });
    source.emit({ type: 'ADDED', object: obj('c', '12') });
    source.emit({ type: 'DELETED', object: obj('b', '13') });
    source.emit({ type: 'BOOKMARK', object: obj('', '14') });
    expect(informer.store.keys().sort()).toEqual(['ns/a', 'ns/c']);
    expect(informer.store.get('ns/a')?.data).toBe('x');
    expect(seen).toEqual(['a@1', 'b@2', 'a@11', 'c@12', 'b@2']);
    source.close();
    await flush();
    expect(source.watchCalls).toEqual(['10', '14']);
    await informer.stop();
  });

  it('relists on 410 Gone (ERROR event or error) and reports only real changes', async () => {
    const { source, informer, seen, restarts } = setup();
    source.lists = [
      { items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' },
      { items: [obj('a', '1'), obj('c', '20')], resourceVersion: '30' },
      { items: [obj('a', '1')], resourceVersion: '40' },
    ];
    informer.start();
    await flush();
    seen.length = 0;
    source.emit({ type: 'ERROR', object: { code: 410 } as never });
    await flush();
    expect(source.listCalls).toBe(2);
    expect(seen).toEqual(['b@2', 'c@20']);
    expect(informer.store.keys().sort()).toEqual(['ns/a', 'ns/c']);
    source.close(new KubeError('Gone', 'too old', { status: 410 }));
    await flush();
    expect(source.listCalls).toBe(3);
    expect(source.watchCalls).toEqual(['10', '30', '40']);
    expect(restarts).toEqual(['gone', 'gone']);
    await informer.stop();
  });

  it('restarts a failed watch with growing backoff from the last resourceVersion', async () => {
    const { clock, source, informer, restarts } = setup();
    source.lists = [{ items: [], resourceVersion: '5' }];
    informer.start();
    await flush();
    source.close(new KubeError('Unavailable', 'ECONNREFUSED'));
    await clock.advance(999);
    expect(source.watchCalls).toEqual(['5']);
    await clock.advance(1);
    expect(source.watchCalls).toEqual(['5', '5']);
    source.close(new KubeError('Forbidden', 'no'));
    await clock.advance(1999);
    expect(source.watchCalls).toHaveLength(2);
    await clock.advance(1);
    expect(source.watchCalls).toHaveLength(3);
    // an event resets the backoff
    source.emit({ type: 'ADDED', object: obj('a', '6') });
    source.close(new Error('reset'));
    await clock.advance(1000);
    expect(source.watchCalls).toEqual(['5', '5', '5', '6']);
    expect(restarts).toEqual(['error', 'error', 'error']);
    expect(source.listCalls).toBe(1);
    await informer.stop();
  });

  it('retries a failing list with backoff and only then syncs', async () => {
    const { clock, source, informer } = setup();
    source.lists = [
      new Error('refused'),
      new Error('refused'),
      { items: [], resourceVersion: '1' },
    ];
    informer.start();
    await flush();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(1000);
    expect(source.listCalls).toBe(2);
    await clock.advance(2000);
    expect(source.listCalls).toBe(3);
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });

  it('watchdog: restarts a watch that went silent, bookmarks keep it alive', async () => {
    const { clock, source, informer, restarts } = setup({ watchdogMs: 60_000 });
    source.lists = [{ items: [], resourceVersion: '1' }];
    informer.start();
    await flush();
    await clock.advance(50_000);
    source.emit({ type: 'BOOKMARK', object: obj('', '2') });
    await clock.advance(50_000);
    expect(source.watchCalls).toEqual(['1']);
    await clock.advance(10_000);
    expect(restarts).toEqual(['watchdog']);
    expect(source.stops).toBe(1);
    expect(source.watchCalls).toEqual(['1', '2']);
    expect(source.watching).toBe(true);
    await informer.stop();
  });

  it('a server that closes watches at once is not hammered', async () => {
    const { clock, source, informer } = setup();
    source.lists = [{ items: [], resourceVersion: '1' }];
    informer.start();
    await flush();
    source.close();
    await flush();
    expect(source.watchCalls).toHaveLength(1);
    await clock.advance(1000);
    expect(source.watchCalls).toHaveLength(2);
    await informer.stop();
  });

  it('resync hands every cached object to the handlers periodically', async () => {
    const { clock, source, informer, seen } = setup({ resyncMs: 30_000, watchdogMs: 600_000 });
    source.lists = [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '1' }];
    informer.start();
    await flush();
    seen.length = 0;
    await clock.advance(30_000);
    expect(seen.sort()).toEqual(['a@1', 'b@2']);
    await clock.advance(30_000);
    expect(seen).toHaveLength(4);
    await informer.stop();
    expect(clock.pending()).toBe(0);
  });

  it('hands each handler the state the change replaced: none when new or gone, itself on resync', async () => {
    const { clock, source, informer } = setup({ resyncMs: 30_000, watchdogMs: 600_000 });
    const pairs: string[] = [];
    informer.addHandler((o, previous) =>
      pairs.push(
        `${o.metadata.name}@${o.metadata.resourceVersion}<${previous?.metadata.resourceVersion ?? '-'}`,
      ),
    );
    source.lists = [
      { items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10' },
      { items: [obj('a', '21'), obj('c', '22')], resourceVersion: '30' },
    ];
    informer.start();
    await flush();
    source.emit({ type: 'MODIFIED', object: obj('a', '11') });
    source.emit({ type: 'DELETED', object: obj('b', '12') });
    await clock.advance(30_000);
    source.emit({ type: 'ERROR', object: { code: 410 } as never });
    await flush();
    expect(pairs).toEqual(['a@1<-', 'b@2<-', 'a@11<1', 'b@2<-', 'a@11<11', 'a@21<11', 'c@22<-']);
    await informer.stop();
  });

  it('stop during backoff ends promptly and leaves no timers or watches', async () => {
    const { clock, source, informer } = setup();
    source.lists = [{ items: [], resourceVersion: '1' }];
    informer.start();
    await flush();
    source.close(new Error('boom'));
    await flush();
    await informer.stop();
    expect(clock.pending()).toBe(0);
    expect(source.watching).toBe(false);
  });

  it('a handler that throws does not break the informer', async () => {
    const { source, informer, seen } = setup();
    informer.addHandler(() => {
      throw new Error('bad handler');
    });
    source.lists = [{ items: [obj('a', '1')], resourceVersion: '1' }];
    informer.start();
    await flush();
    source.emit({ type: 'ADDED', object: obj('b', '2') });
    expect(seen).toEqual(['a@1', 'b@2']);
    await informer.stop();
  });
});
