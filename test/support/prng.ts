import fc from 'fast-check';

/** Seeded PRNG for property tests: the same seed gives the same cases on every run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** A bigint in [0, limit), uniform enough for tests. */
export function randomBigInt(random: () => number, limit: bigint): bigint {
  let value = 0n;
  for (let i = 0; i < 4; i += 1) value = (value << 32n) | BigInt(randomInt(random, 2 ** 32));
  return value % limit;
}

/** One of `items`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[randomInt(random, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(random, i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * A `random` function drawn from fast-check's generator, for property tests
 * written with the helpers above: fast-check then makes every draw, shrinks a
 * failing case towards smaller draws, and reports the seed and path that
 * replay it.
 */
export function randomOf(g: fc.GeneratorValue): () => number {
  return () => g(uniform) / 2 ** 32;
}

/**
 * 32 uniform bits. Not fc.double, whose values are spread over the float
 * encoding (most of them near 0), and without fast-check's bias towards edge
 * values, either of which would skew the helpers above.
 */
const uniform = () => fc.noBias(fc.integer({ min: 0, max: 2 ** 32 - 1 }));
