import {
  compareSnapshotAge,
  manifestObjectName,
  parseManifestObjectName,
  parseSnapshotObjectName,
  snapshotObjectName,
  snapshotObjectPrefix,
  type SnapshotObjectNameInput,
} from '../../../src/domain/snapshot-naming.js';
import { mulberry32, randomBigInt } from '../../support/prng.js';

const T = new Date('2026-03-01T12:00:00Z');
const base: SnapshotObjectNameInput = {
  name: 'nightly',
  time: T,
  revision: 42n,
  compression: 'none',
  encrypted: false,
};

describe('snapshotObjectName', () => {
  it.each<[string, Partial<SnapshotObjectNameInput>, string]>([
    ['plain', {}, 'nightly/20260301T120000Z-r00000000000000000042.db'],
    ['zstd', { compression: 'zstd' }, 'nightly/20260301T120000Z-r00000000000000000042.db.zst'],
    ['gzip', { compression: 'gzip' }, 'nightly/20260301T120000Z-r00000000000000000042.db.gz'],
    [
      'zstd + age',
      { compression: 'zstd', encrypted: true },
      'nightly/20260301T120000Z-r00000000000000000042.db.zst.age',
    ],
    ['age only', { encrypted: true }, 'nightly/20260301T120000Z-r00000000000000000042.db.age'],
    ['number revision', { revision: 7 }, 'nightly/20260301T120000Z-r00000000000000000007.db'],
    [
      'int64 max revision',
      { revision: 2n ** 63n - 1n },
      'nightly/20260301T120000Z-r09223372036854775807.db',
    ],
    [
      'milliseconds truncated',
      { time: new Date('2026-12-31T23:59:59.999Z') },
      'nightly/20261231T235959Z-r00000000000000000042.db',
    ],
    [
      'UTC regardless of offset',
      { time: new Date('2026-03-29T02:30:00+02:00') },
      'nightly/20260329T003000Z-r00000000000000000042.db',
    ],
  ])('%s', (_, override, expected) => {
    expect(snapshotObjectName({ ...base, ...override })).toBe(expected);
  });

  it.each<[string, Partial<SnapshotObjectNameInput>, RegExp]>([
    ['upper-case name', { name: 'Nightly' }, /DNS-1123/],
    ['name with slash', { name: 'a/b' }, /DNS-1123/],
    ['name too long', { name: 'a'.repeat(64) }, /DNS-1123/],
    ['empty name', { name: '' }, /DNS-1123/],
    ['negative revision', { revision: -1n }, /int64/],
    ['revision above int64', { revision: 2n ** 63n }, /int64/],
    ['unsafe number revision', { revision: 2 ** 60 }, /bigint/],
    ['fractional revision', { revision: 1.5 }, /bigint/],
    ['invalid date', { time: new Date('nope') }, /valid date/],
    ['year before 1970', { time: new Date('1969-12-31T23:59:59Z') }, /valid date/],
  ])('rejects %s', (_, override, message) => {
    expect(() => snapshotObjectName({ ...base, ...override })).toThrow(message);
  });
});

describe('parseSnapshotObjectName', () => {
  it('round-trips every variant', () => {
    for (const compression of ['zstd', 'gzip', 'none'] as const) {
      for (const encrypted of [true, false]) {
        const input = { ...base, compression, encrypted, revision: 123456789012345678n };
        expect(parseSnapshotObjectName(snapshotObjectName(input))).toEqual(input);
      }
    }
  });

  it.each([
    ['manifest', 'nightly/20260301T120000Z-r00000000000000000042.db.manifest.json'],
    ['store prefix still attached', 'backups/nightly/20260301T120000Z-r00000000000000000042.db'],
    ['unpadded revision', 'nightly/20260301T120000Z-r42.db'],
    ['21-digit revision', 'nightly/20260301T120000Z-r000000000000000000042.db'],
    ['revision above int64', 'nightly/20260301T120000Z-r09223372036854775808.db'],
    ['30 February', 'nightly/20260230T120000Z-r00000000000000000042.db'],
    ['hour 24', 'nightly/20260301T240000Z-r00000000000000000042.db'],
    ['leap second', 'nightly/20261231T235960Z-r00000000000000000042.db'],
    ['year before 1970', 'nightly/19691231T120000Z-r00000000000000000042.db'],
    ['missing Z', 'nightly/20260301T120000-r00000000000000000042.db'],
    ['age before compression', 'nightly/20260301T120000Z-r00000000000000000042.db.age.zst'],
    ['unknown extension', 'nightly/20260301T120000Z-r00000000000000000042.db.bz2'],
    ['no .db', 'nightly/20260301T120000Z-r00000000000000000042'],
    ['upper-case name', 'Nightly/20260301T120000Z-r00000000000000000042.db'],
    ['trailing newline', 'nightly/20260301T120000Z-r00000000000000000042.db\n'],
    ['empty', ''],
  ])('rejects %s', (_, key) => {
    expect(parseSnapshotObjectName(key)).toBeUndefined();
  });

  it('accepts 29 February in a leap year', () => {
    const parsed = parseSnapshotObjectName('n/20280229T000000Z-r00000000000000000001.db');
    expect(parsed?.time).toEqual(new Date('2028-02-29T00:00:00Z'));
  });
});

describe('manifest names', () => {
  const key = snapshotObjectName({ ...base, compression: 'zstd', encrypted: true });

  it('appends .manifest.json and parses back to the snapshot key', () => {
    expect(manifestObjectName(key)).toBe(`${key}.manifest.json`);
    expect(parseManifestObjectName(manifestObjectName(key))).toBe(key);
  });

  it('refuses what is not a snapshot or a manifest', () => {
    expect(() => manifestObjectName('nightly/other.db')).toThrow(/not a snapshot object name/);
    expect(parseManifestObjectName(key)).toBeUndefined();
    expect(parseManifestObjectName('nightly/x.db.manifest.json')).toBeUndefined();
  });

  it('gives each backup its own folder', () => {
    expect(snapshotObjectPrefix('nightly')).toBe('nightly/');
    expect(() => snapshotObjectPrefix('../etc')).toThrow(/DNS-1123/);
  });
});

describe('ordering', () => {
  const name = (time: string, revision: bigint) =>
    snapshotObjectName({ ...base, time: new Date(time), revision });

  it('orders by revision value when it gains a digit (coreos/etcd-operator#2113)', () => {
    const older = parseSnapshotObjectName(name('2026-03-01T12:00:00Z', 99_999n));
    const newer = parseSnapshotObjectName(name('2026-03-01T12:00:00Z', 100_000n));
    if (!older || !newer) throw new Error('names must parse');
    expect(compareSnapshotAge(older, newer)).toBe(-1);
    expect(compareSnapshotAge(newer, older)).toBe(1);
    expect(compareSnapshotAge(older, older)).toBe(0);
    // Unpadded, the string order would be the wrong way round.
    expect('r100000' < 'r99999').toBe(true);
  });

  it('orders by time before revision (a restored cluster restarts revisions)', () => {
    const before = { time: new Date('2026-03-01T12:00:00Z'), revision: 900n };
    const after = { time: new Date('2026-03-01T12:00:01Z'), revision: 5n };
    expect(compareSnapshotAge(before, after)).toBe(-1);
  });

  it('sorts padded names the same as parsed values (property, seeded)', () => {
    const random = mulberry32(2113);
    for (let i = 0; i < 500; i += 1) {
      const parts = [0, 1].map(() => ({
        ...base,
        time: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 4) * 1000),
        revision: randomBigInt(random, 2n ** 63n),
      }));
      const [a, b] = parts.map((p) => snapshotObjectName(p));
      const [pa, pb] = parts.map((p) => ({ ...p, time: new Date(p.time) }));
      if (!a || !b || !pa || !pb) throw new Error('two parts');
      expect(a < b ? -1 : a > b ? 1 : 0).toBe(compareSnapshotAge(pa, pb));
      expect(parseSnapshotObjectName(a)).toEqual(pa);
    }
  });
});
