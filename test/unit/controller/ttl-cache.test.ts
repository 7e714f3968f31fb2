import { TtlCache } from '../../../src/controller/ttl-cache.js';

describe('TtlCache', () => {
  let now = 0;
  const clock = { now: () => now };

  it('loads once within the TTL and again after it', async () => {
    now = 1000;
    const cache = new TtlCache<number>(10_000, clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    now += 9_999;
    expect(await cache.get('a', load)).toBe(1);
    now += 1;
    expect(await cache.get('a', load)).toBe(2);
    expect(await cache.get('b', load)).toBe(3);
  });

  it('shares a pending load and forgets a failed one', async () => {
    now = 0;
    const cache = new TtlCache<string>(10_000, clock);
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('GET failed'));
    };
    await Promise.all([
      expect(cache.get('s', failing)).rejects.toThrow('GET failed'),
      expect(cache.get('s', failing)).rejects.toThrow('GET failed'),
    ]);
    expect(calls).toBe(1);
    await expect(cache.get('s', async () => 'ok')).resolves.toBe('ok');
  });

  it('stays bounded', async () => {
    now = 0;
    const cache = new TtlCache<number>(10, clock, 3);
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => 1);
    now = 100; // all expired: evicted when the next key arrives
    let loaded = 0;
    await cache.get('d', async () => ++loaded);
    await cache.get('a', async () => ++loaded);
    expect(loaded).toBe(2);
  });
});
