import {
  InvalidRetentionPolicyError,
  planRetention,
  retentionPeriodKey,
  retentionPolicyFromSpec,
  type RetentionCandidate,
  type RetentionPeriod,
  type RetentionPolicy,
} from '../../../src/domain/retention.js';
import {
  parseSnapshotObjectName,
  snapshotObjectName,
} from '../../../src/domain/snapshot-naming.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

interface SnapOptions {
  revision?: bigint;
  size?: number;
  verified?: boolean;
}

/** A candidate whose key is its label, so tables read as lists of names. */
function snap(key: string, iso: string, options: SnapOptions = {}): RetentionCandidate {
  const { revision = 1n, size = 100, verified = true } = options;
  return { key, time: new Date(iso), revision, storedSize: size, verified };
}

const keys = (list: readonly RetentionCandidate[]) => list.map((s) => s.key);

interface Case {
  name: string;
  snapshots: RetentionCandidate[];
  policy: RetentionPolicy;
  now?: Date;
  keep: string[];
}

const cases: Case[] = [
  {
    name: 'empty policy keeps every verified snapshot',
    snapshots: [snap('jan', '2026-01-01T00:00:00Z'), snap('feb', '2026-02-01T00:00:00Z')],
    policy: {},
    keep: ['feb', 'jan'],
  },
  { name: 'no snapshots, nothing to do', snapshots: [], policy: { keepLast: 3 }, keep: [] },
  {
    name: 'keepLast 2 keeps the two newest',
    snapshots: ['09', '10', '11', '08'].map((h) => snap(h, `2026-03-01T${h}:00:00Z`)),
    policy: { keepLast: 2 },
    keep: ['11', '10'],
  },
  {
    name: 'keepLast larger than the count keeps all',
    snapshots: [snap('a', '2026-02-01T00:00:00Z'), snap('b', '2026-02-02T00:00:00Z')],
    policy: { keepLast: 10 },
    keep: ['b', 'a'],
  },
  {
    name: 'revision gaining a digit is ordered by value (coreos/etcd-operator#2113)',
    snapshots: [
      snap('backup-r99999', '2026-03-01T11:00:00Z', { revision: 99_999n }),
      snap('backup-r100000', '2026-03-01T11:00:00Z', { revision: 100_000n }),
    ],
    policy: { keepLast: 1 },
    keep: ['backup-r100000'],
  },
  {
    name: 'equal timestamps are tie-broken by revision',
    snapshots: [5n, 7n, 6n].map((r) => snap(`r${r}`, '2026-03-01T11:00:00Z', { revision: r })),
    policy: { keepLast: 2 },
    keep: ['r7', 'r6'],
  },
  {
    name: 'keys never decide order',
    snapshots: [snap('z-newest', '2026-03-01T00:00:00Z'), snap('a-oldest', '2026-01-01T00:00:00Z')],
    policy: { keepLast: 1 },
    keep: ['z-newest'],
  },
  {
    name: 'keepHourly keeps the newest per hour; hours without snapshots do not count',
    snapshots: ['11:50', '11:10', '10:59', '10:00', '07:30', '06:00'].map((t) =>
      snap(t, `2026-03-01T${t}:00Z`),
    ),
    policy: { keepHourly: 3 },
    keep: ['11:50', '10:59', '07:30'],
  },
  {
    name: 'keepDaily splits days at UTC midnight across a month boundary',
    snapshots: [
      snap('mar01-00:00:00', '2026-03-01T00:00:00Z'),
      snap('feb28-23:59:59', '2026-02-28T23:59:59Z'),
      snap('feb28-00:00:00', '2026-02-28T00:00:00Z'),
      snap('feb27', '2026-02-27T12:00:00Z'),
    ],
    policy: { keepDaily: 2 },
    keep: ['mar01-00:00:00', 'feb28-23:59:59'],
  },
  {
    name: 'keepMonthly crosses a year boundary and skips an empty month',
    snapshots: [
      snap('2026-02', '2026-02-10T00:00:00Z'),
      snap('2026-01-last', '2026-01-31T23:59:59Z'),
      snap('2026-01-first', '2026-01-01T00:00:00Z'),
      snap('2025-12-last', '2025-12-31T23:59:59Z'),
      snap('2025-10', '2025-10-15T00:00:00Z'),
      snap('2025-09', '2025-09-01T00:00:00Z'),
    ],
    policy: { keepMonthly: 4 },
    keep: ['2026-02', '2026-01-last', '2025-12-last', '2025-10'],
  },
  {
    name: 'keepWeekly uses ISO weeks: 2026-W53 spans the new year',
    now: new Date('2027-01-10T00:00:00Z'),
    snapshots: [
      snap('2027-01-05 W01', '2027-01-05T00:00:00Z'),
      snap('2027-01-04 W01 Mon', '2027-01-04T00:00:00Z'),
      snap('2027-01-03 W53 Sun', '2027-01-03T23:59:59Z'),
      snap('2026-12-31 W53 Thu', '2026-12-31T12:00:00Z'),
      snap('2026-12-27 W52 Sun', '2026-12-27T12:00:00Z'),
      snap('2026-12-21 W52 Mon', '2026-12-21T12:00:00Z'),
    ],
    policy: { keepWeekly: 3 },
    keep: ['2027-01-05 W01', '2027-01-03 W53 Sun', '2026-12-27 W52 Sun'],
  },
  {
    name: 'count rules are a union',
    snapshots: [
      snap('mar01-11', '2026-03-01T11:00:00Z'),
      snap('mar01-10', '2026-03-01T10:00:00Z'),
      snap('feb28', '2026-02-28T12:00:00Z'),
      snap('feb27', '2026-02-27T12:00:00Z'),
      snap('jan15', '2026-01-15T12:00:00Z'),
      snap('jan10', '2026-01-10T12:00:00Z'),
    ],
    policy: { keepLast: 2, keepDaily: 2, keepMonthly: 3 },
    keep: ['mar01-11', 'mar01-10', 'feb28', 'jan15'],
  },
  {
    name: 'maxAge alone keeps everything inside the window, the cutoff instant included',
    snapshots: [
      snap('now', '2026-03-01T12:00:00Z'),
      snap('at-cutoff', '2026-02-22T12:00:00Z'),
      snap('1s-too-old', '2026-02-22T11:59:59Z'),
    ],
    policy: { maxAgeMs: 7 * DAY },
    keep: ['now', 'at-cutoff'],
  },
  {
    name: 'maxAge caps the count rules',
    snapshots: [
      snap('feb28', '2026-02-28T00:00:00Z'),
      snap('jan31', '2026-01-31T00:00:00Z'),
      snap('dec31', '2025-12-31T00:00:00Z'),
    ],
    policy: { keepMonthly: 6, maxAgeMs: 30 * DAY },
    keep: ['feb28', 'jan31'],
  },
  {
    name: 'maxAge with every snapshot older: the newest verified survives',
    snapshots: [snap('feb01', '2026-02-01T00:00:00Z'), snap('jan01', '2026-01-01T00:00:00Z')],
    policy: { keepLast: 5, maxAgeMs: DAY },
    keep: ['feb01'],
  },
  {
    name: 'maxTotalSize removes the oldest until the rest fits (exact fit kept)',
    snapshots: [
      snap('40B', '2026-03-01T11:00:00Z', { size: 40 }),
      snap('30B', '2026-03-01T10:00:00Z', { size: 30 }),
      snap('20B', '2026-03-01T09:00:00Z', { size: 20 }),
      snap('10B', '2026-03-01T08:00:00Z', { size: 10 }),
    ],
    policy: { maxTotalSizeBytes: 90 },
    keep: ['40B', '30B', '20B'],
  },
  {
    name: 'maxTotalSize: once one does not fit, smaller older ones go too',
    snapshots: [
      snap('40B', '2026-03-01T11:00:00Z', { size: 40 }),
      snap('60B', '2026-03-01T10:00:00Z', { size: 60 }),
      snap('5B', '2026-03-01T09:00:00Z', { size: 5 }),
    ],
    policy: { maxTotalSizeBytes: 50 },
    keep: ['40B'],
  },
  {
    name: 'maxTotalSize smaller than the newest: the newest verified survives alone',
    snapshots: [
      snap('big', '2026-03-01T11:00:00Z', { size: 100 }),
      snap('tiny', '2026-03-01T10:00:00Z', { size: 1 }),
    ],
    policy: { keepLast: 2, maxTotalSizeBytes: 50 },
    keep: ['big'],
  },
  {
    name: 'maxTotalSize counts only what maxAge left',
    snapshots: [
      snap('new', '2026-03-01T11:00:00Z', { size: 10 }),
      snap('mid', '2026-02-28T11:00:00Z', { size: 10 }),
      snap('old', '2026-01-01T00:00:00Z', { size: 1000 }),
    ],
    policy: { maxAgeMs: 7 * DAY, maxTotalSizeBytes: 20 },
    keep: ['new', 'mid'],
  },
  {
    name: 'unverified snapshots never take a keep slot',
    snapshots: [
      snap('partial', '2026-03-01T11:00:00Z', { verified: false }),
      snap('good', '2026-03-01T10:00:00Z'),
      snap('older', '2026-03-01T09:00:00Z'),
    ],
    policy: { keepLast: 1 },
    keep: ['good'],
  },
  {
    name: 'only unverified snapshots: nothing kept, nothing removed',
    snapshots: [snap('partial', '2026-03-01T11:00:00Z', { verified: false })],
    policy: { keepLast: 1, maxAgeMs: 1 },
    keep: [],
  },
  {
    name: 'a snapshot dated after now (clock skew) is simply the newest',
    snapshots: [snap('future', '2026-03-02T00:00:00Z'), snap('past', '2026-03-01T00:00:00Z')],
    policy: { keepLast: 1, maxAgeMs: DAY },
    keep: ['future'],
  },
];

describe('planRetention', () => {
  it.each(cases)('$name', ({ snapshots, policy, now, keep }) => {
    const plan = planRetention(snapshots, policy, now ?? NOW);
    expect(keys(plan.keep)).toEqual(keep);
    const verified = snapshots.filter((s) => s.verified).map((s) => s.key);
    const removed = plan.remove.map((r) => r.snapshot.key);
    expect([...keep, ...removed].sort()).toEqual([...verified].sort());
    expect(keys(plan.ignored)).toEqual(snapshots.filter((s) => !s.verified).map((s) => s.key));
    expect([...plan.keptBecause.keys()]).toEqual(keep);
  });

  it('explains every decision', () => {
    const plan = planRetention(
      [
        snap('new', '2026-03-01T11:00:00Z', { size: 600 }),
        snap('yesterday', '2026-02-28T11:00:00Z', { size: 600 }),
        snap('mid-feb', '2026-02-14T11:00:00Z'),
        snap('january', '2026-01-15T00:00:00Z'),
        snap('same-day', '2026-02-28T10:00:00Z'),
      ],
      { keepDaily: 3, keepMonthly: 3, maxAgeMs: 30 * DAY, maxTotalSizeBytes: 1024 },
      NOW,
    );
    expect(Object.fromEntries(plan.keptBecause)).toEqual({
      new: ['newest verified snapshot', 'keepDaily 2026-03-01', 'keepMonthly 2026-03'],
    });
    expect(plan.remove.map((r) => [r.snapshot.key, r.reasons])).toEqual([
      ['yesterday', ['over maxTotalSize 1 KiB']],
      ['same-day', ['not selected by any count rule']],
      ['mid-feb', ['over maxTotalSize 1 KiB']],
      ['january', ['older than maxAge 30d (before 2026-01-30T12:00:00.000Z)']],
    ]);
  });

  it('says which cap the newest verified snapshot survived', () => {
    const plan = planRetention(
      [snap('only', '2026-01-01T00:00:00Z', { size: 10 })],
      { maxAgeMs: DAY },
      NOW,
    );
    expect(plan.keptBecause.get('only')).toEqual([
      'newest verified snapshot',
      'no count rule set',
      'kept although older than maxAge 1d (before 2026-02-28T12:00:00.000Z)',
    ]);
  });

  it('orders real object names by parsed revision, not by string', () => {
    const at = new Date('2026-03-01T11:00:00Z');
    const named = [99_999n, 100_000n, 1_000_000n].map((revision) => {
      const key = snapshotObjectName({
        name: 'nightly',
        time: at,
        revision,
        compression: 'zstd',
        encrypted: false,
      });
      const parsed = parseSnapshotObjectName(key);
      if (!parsed) throw new Error(`unparsable ${key}`);
      return { key, time: parsed.time, revision: parsed.revision, storedSize: 1, verified: true };
    });
    const plan = planRetention(named.reverse(), { keepLast: 1 }, NOW);
    expect(plan.keep.map((s) => s.revision)).toEqual([1_000_000n]);
  });

  it('uses UTC periods whatever the process time zone (DST-irrelevant)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 2026-03-08 is the US DST switch; both are "March 8" in New York local time.
      const snapshots = [
        snap('mar09-00:30Z', '2026-03-09T00:30:00Z'),
        snap('mar08-23:30Z', '2026-03-08T23:30:00Z'),
        snap('mar08-07:30Z', '2026-03-08T07:30:00Z'), // 03:30 EDT
        snap('mar08-06:30Z', '2026-03-08T06:30:00Z'), // 01:30 EST
      ];
      const now = new Date('2026-03-09T01:00:00Z');
      expect(keys(planRetention(snapshots, { keepDaily: 2 }, now).keep)).toEqual([
        'mar09-00:30Z',
        'mar08-23:30Z',
      ]);
      expect(keys(planRetention(snapshots, { keepHourly: 4 }, now).keep)).toHaveLength(4);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it.each<[string, RetentionPolicy, RegExp]>([
    ['keepLast 0', { keepLast: 0 }, /keepLast must be a whole number of at least 1, got 0/],
    ['fractional keepDaily', { keepDaily: 1.5 }, /keepDaily must be/],
    ['negative keepMonthly', { keepMonthly: -1 }, /keepMonthly must be/],
    ['zero maxAge', { maxAgeMs: 0 }, /maxAge must be at least 1ms/],
    ['NaN maxTotalSize', { maxTotalSizeBytes: Number.NaN }, /maxTotalSize must be/],
  ])('refuses an invalid policy: %s', (_, policy, message) => {
    expect(() => planRetention([], policy, NOW)).toThrow(message);
  });

  it.each<[string, RetentionCandidate[], Date, RegExp]>([
    [
      'duplicate keys',
      [snap('a', '2026-01-01T00:00:00Z'), snap('a', '2026-01-02T00:00:00Z')],
      NOW,
      /duplicate/,
    ],
    ['invalid time', [snap('a', 'garbage')], NOW, /invalid time/],
    ['negative size', [snap('a', '2026-01-01T00:00:00Z', { size: -1 })], NOW, /storedSize/],
    ['invalid now', [], new Date(Number.NaN), /now is not a valid date/],
  ])('refuses %s', (_, snapshots, now, message) => {
    expect(() => planRetention(snapshots, {}, now)).toThrow(message);
  });
});

describe('retentionPolicyFromSpec', () => {
  it('parses durations and sizes', () => {
    expect(retentionPolicyFromSpec({ keepLast: 3, maxAge: '7d', maxTotalSize: '10Gi' })).toEqual({
      keepLast: 3,
      maxAgeMs: 7 * DAY,
      maxTotalSizeBytes: 10 * 2 ** 30,
    });
    expect(retentionPolicyFromSpec({})).toEqual({});
  });

  it('lists every problem at once', () => {
    const attempt = () =>
      retentionPolicyFromSpec({ keepDaily: 0, maxAge: '7 days', maxTotalSize: '10GB' });
    expect(attempt).toThrow(InvalidRetentionPolicyError);
    expect(attempt).toThrow(
      /^maxAge: invalid duration "7 days".*; maxTotalSize: invalid byte size "10GB": use G or Gi.*; keepDaily must be/,
    );
  });

  it('refuses a zero duration', () => {
    expect(() => retentionPolicyFromSpec({ maxAge: '0s' })).toThrow(/maxAge must be at least 1ms/);
  });
});

describe('retentionPeriodKey', () => {
  it.each<[RetentionPeriod, string, string]>([
    ['hour', '2026-03-01T12:59:59.999Z', '2026-03-01T12Z'],
    ['day', '2026-02-28T23:59:59.999Z', '2026-02-28'],
    ['day', '2028-02-29T00:00:00Z', '2028-02-29'],
    ['month', '2025-12-31T23:59:59Z', '2025-12'],
    ['week', '2026-03-01T00:00:00Z', '2026-W09'], // Sunday
    ['week', '2026-03-02T00:00:00Z', '2026-W10'], // Monday
    ['week', '2026-01-01T00:00:00Z', '2026-W01'], // Thursday
    ['week', '2025-12-29T00:00:00Z', '2026-W01'], // Monday before new year
    ['week', '2026-12-31T00:00:00Z', '2026-W53'],
    ['week', '2027-01-03T23:59:59Z', '2026-W53'], // Sunday after new year
    ['week', '2027-01-04T00:00:00Z', '2027-W01'],
    ['week', '2024-12-29T12:00:00Z', '2024-W52'],
    ['week', '2024-12-30T12:00:00Z', '2025-W01'],
    ['week', '2021-01-03T12:00:00Z', '2020-W53'],
    ['week', '2016-01-03T12:00:00Z', '2015-W53'],
    ['week', '1970-01-01T00:00:00Z', '1970-W01'],
  ])('%s of %s is %s', (period, iso, expected) => {
    expect(retentionPeriodKey(period, new Date(iso))).toBe(expected);
  });
});
