import { MemoryStore } from '../../../src/controller/informer-store.js';

interface Obj {
  metadata: {
    namespace: string;
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
}

const obj = (name: string, owner?: string, resourceVersion = '1'): Obj => ({
  metadata: {
    namespace: 'ns',
    name,
    resourceVersion,
    ...(owner ? { labels: { owner } } : {}),
  },
});
const byOwner = (o: Obj) => {
  const owner = o.metadata.labels?.owner;
  return owner ? [`${o.metadata.namespace}/${owner}`] : [];
};
const names = (objs: Obj[]) => objs.map((o) => o.metadata.name).sort();

function store(): MemoryStore<Obj> {
  return new MemoryStore<Obj>({ owner: byOwner });
}

describe('MemoryStore indices', () => {
  it('files objects under their index values as they are added', () => {
    const s = store();
    s.upsert(obj('a-1', 'a'));
    s.upsert(obj('a-2', 'a'));
    s.upsert(obj('b-1', 'b'));
    s.upsert(obj('loose'));
    expect(names(s.byIndex('owner', 'ns/a'))).toEqual(['a-1', 'a-2']);
    expect(names(s.byIndex('owner', 'ns/b'))).toEqual(['b-1']);
    expect(s.byIndex('owner', 'ns/none')).toEqual([]);
  });

  it('moves an object whose index value changed, and returns its latest version', () => {
    const s = store();
    s.upsert(obj('x', 'a'));
    s.upsert(obj('x', 'b', '2'));
    expect(s.byIndex('owner', 'ns/a')).toEqual([]);
    expect(s.byIndex('owner', 'ns/b')).toEqual([obj('x', 'b', '2')]);
  });

  it('forgets removed objects', () => {
    const s = store();
    s.upsert(obj('a-1', 'a'));
    s.upsert(obj('a-2', 'a'));
    s.remove(obj('a-1', 'a'));
    expect(names(s.byIndex('owner', 'ns/a'))).toEqual(['a-2']);
  });

  it('rebuilds the indices on replace (a relist)', () => {
    const s = store();
    s.upsert(obj('a-1', 'a'));
    s.upsert(obj('b-1', 'b'));
    s.replace([obj('a-2', 'a'), obj('b-1', 'b')]);
    expect(names(s.byIndex('owner', 'ns/a'))).toEqual(['a-2']);
    expect(names(s.byIndex('owner', 'ns/b'))).toEqual(['b-1']);
  });

  it('agrees with a full scan after a random sequence of changes', () => {
    const s = store();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const o = obj(`o${random(40)}`, ['a', 'b', 'c', undefined][random(4)], String(i));
      if (random(5) === 0) s.remove(o);
      else s.upsert(o);
    }
    for (const owner of ['a', 'b', 'c']) {
      const scanned = s.list('ns').filter((o) => o.metadata.labels?.owner === owner);
      expect(names(s.byIndex('owner', `ns/${owner}`))).toEqual(names(scanned));
    }
  });

  it('refuses an index that was not registered', () => {
    expect(() => store().byIndex('missing', 'x')).toThrow(/no index named missing/);
  });
});

describe('MemoryStore changes', () => {
  it('upsert returns the state it replaced; replace reports it with each change', () => {
    const s = store();
    expect(s.upsert(obj('a', 'x', '1'))).toBeUndefined();
    expect(s.upsert(obj('a', 'x', '2'))?.metadata.resourceVersion).toBe('1');
    s.upsert(obj('b', 'x', '1'));
    const delta = s.replace([obj('a', 'x', '2'), obj('b', 'x', '3'), obj('c', 'x', '1')]);
    expect(
      delta.upserted.map(({ obj: o, previous }) => [
        o.metadata.name,
        previous?.metadata.resourceVersion,
      ]),
    ).toEqual([
      ['b', '1'],
      ['c', undefined],
    ]);
    expect(delta.removed).toEqual([]);
  });
});
