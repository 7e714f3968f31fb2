import {
  mostRecentScheduleTime,
  nextTimeAfter,
  parseSchedule,
  previousTimeAtOrBefore,
  ScheduleError,
} from '../../../src/domain/schedule.js';
import fc from 'fast-check';
import { pick, randomInt, randomOf } from '../../support/prng.js';

/**
 * nextTimeAfter and mostRecentScheduleTime checked against a brute-force scan
 * with an independent, deliberately naive UTC cron matcher (robfig/cron's
 * reading: day-of-month and day-of-week are OR-ed unless one is `*` or `?`).
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.UTC(2026, 0, 1);
const SPAN = 2 * 365 * DAY;
const WINDOW = 3 * 366 * DAY;

const POOLS = [
  ['*', '*/15', '0', '5,35', '10-20/5', '59'],
  ['*', '3', '*/6', '1-5', '0,12', '23'],
  ['*', '?', '1', '15', '31', '1-7', '*/10', '29'],
  ['*', '*/3', '2', '1,7', '12', 'JAN,JUL', 'feb-apr'],
  ['*', '?', '1', '1-5', '0,6', 'SUN', '5', '7', 'MON-FRI'],
] as const;
const BOUNDS: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const NAMES: Record<string, number> = {
  ...Object.fromEntries(
    'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ').map((m, i) => [m, i + 1]),
  ),
  ...Object.fromEntries('sun mon tue wed thu fri sat'.split(' ').map((d, i) => [d, i])),
};

function values(field: string, [min, max]: readonly [number, number]): Set<number> {
  const out = new Set<number>();
  const num = (s: string) => NAMES[s.toLowerCase()] ?? Number(s);
  for (const part of field.split(',')) {
    const [range = '', step = '1'] = part.split('/');
    const [lo, hi] =
      range === '*' || range === '?'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(num)
          : [num(range), part.includes('/') ? max : num(range)];
    for (let v = lo as number; v <= (hi as number); v += Number(step)) out.add(v);
  }
  return out;
}

function matcher(fields: readonly string[]) {
  const [minutes, hours, doms, months, dows] = fields.map((f, i) => values(f, BOUNDS[i] ?? [0, 0]));
  if (dows?.has(7)) dows.add(0);
  const star = (f: string | undefined) => f === '*' || f === '?';
  const dayMatches = (d: Date) => {
    const dom = doms?.has(d.getUTCDate()) ?? false;
    const dow = dows?.has(d.getUTCDay()) ?? false;
    if (!months?.has(d.getUTCMonth() + 1)) return false;
    if (star(fields[2]) || star(fields[4])) return dom && dow;
    return dom || dow;
  };
  /** The first matching minute at or after `from` (a whole minute), before `limit`. */
  return (from: number, limit: number): number | undefined => {
    for (let t = from; t < limit;) {
      const d = new Date(t);
      if (!dayMatches(d)) {
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        continue;
      }
      if (hours?.has(d.getUTCHours()) && minutes?.has(d.getUTCMinutes())) return t;
      t += MINUTE;
    }
    return undefined;
  };
}

const ceilMinuteAfter = (t: number) => Math.floor(t / MINUTE) * MINUTE + MINUTE;

describe('schedule properties (UTC, brute force)', () => {
  it('nextTimeAfter(t) > t, is a schedule time, and none lies strictly between', () => {
    let checked = 0;
    const check = (random: () => number) => {
      const fields = POOLS.map((pool) => pick(random, pool));
      const expression = fields.join(' ');
      const parsed = parseSchedule(expression);
      const firstMatch = matcher(fields);
      if (parsed instanceof ScheduleError) {
        // Only a date that never exists is refused, e.g. 31 in February only.
        expect(firstMatch(START, START + 9 * 366 * DAY)).toBeUndefined();
        return;
      }
      const t = START + randomInt(random, SPAN) + (random() < 0.2 ? 0 : randomInt(random, MINUTE));
      const exact = random() < 0.3 ? Math.floor(t / MINUTE) * MINUTE : t;
      const next = nextTimeAfter(parsed, new Date(exact));
      const expected = firstMatch(ceilMinuteAfter(exact), exact + WINDOW);
      expect({ expression, t: new Date(exact).toISOString(), next: next?.toISOString() }).toEqual({
        expression,
        t: new Date(exact).toISOString(),
        next: expected === undefined ? undefined : new Date(expected).toISOString(),
      });
      if (!next) return;
      expect(next.getTime()).toBeGreaterThan(exact);
      expect(previousTimeAtOrBefore(parsed, next)?.getTime()).toBe(next.getTime());
      expect(
        previousTimeAtOrBefore(parsed, new Date(next.getTime() - 1))?.getTime() ?? 0,
      ).toBeLessThanOrEqual(exact);
      checked += 1;
    };
    fc.assert(
      fc.property(fc.gen(), (g) => check(randomOf(g))),
      { seed: 20260301, numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(200);
  });

  it('mostRecentScheduleTime matches a scan of (earliest, now]', () => {
    const check = (random: () => number) => {
      const fields = [
        pick(random, ['*/15', '0', '5,35']),
        pick(random, ['*', '*/6', '1-5']),
        '*',
        '*',
        pick(random, ['*', '1-5']),
      ];
      const parsed = parseSchedule(fields.join(' '));
      if (parsed instanceof ScheduleError) throw parsed;
      const now = START + randomInt(random, SPAN);
      const last = now - randomInt(random, 3 * DAY);
      const deadline = random() < 0.3 ? randomInt(random, DAY / 1000) : undefined;
      const earliest = Math.max(last, deadline === undefined ? -Infinity : now - deadline * 1000);
      const firstMatch = matcher(fields);
      const times: number[] = [];
      for (let t = firstMatch(ceilMinuteAfter(earliest), now + 1); t !== undefined;) {
        times.push(t);
        t = firstMatch(t + MINUTE, now + 1);
      }
      const result = mostRecentScheduleTime({
        schedule: parsed,
        creationTime: new Date(0),
        lastScheduleTime: new Date(last),
        startingDeadlineSeconds: deadline,
        now: new Date(now),
      });
      const label = `${fields.join(' ')} (${new Date(last).toISOString()}, ${new Date(now).toISOString()}] deadline ${deadline}`;
      expect({ label, mostRecent: result.mostRecent?.getTime(), tooMany: result.tooMany }).toEqual({
        label,
        mostRecent: times.at(-1),
        tooMany: times.length > 100,
      });
      // Exact up to 100; above, an estimate within 5%.
      if (times.length <= 100) expect(result.missed).toBe(times.length);
      else expect(Math.abs(result.missed - times.length) / times.length).toBeLessThan(0.05);
    };
    fc.assert(
      fc.property(fc.gen(), (g) => check(randomOf(g))),
      { seed: 7, numRuns: 150 },
    );
  });
});
