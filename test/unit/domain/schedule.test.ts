import {
  defaultStaleAfterMs,
  nextTimeAfter,
  parseSchedule,
  previousTimeAtOrBefore,
  ScheduleError,
  type Schedule,
} from '../../../src/domain/schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function schedule(expression: string, timeZone?: string): Schedule {
  const parsed = parseSchedule(expression, timeZone);
  if (parsed instanceof ScheduleError) throw parsed;
  return parsed;
}

/** The next `count` times after `from`, as ISO strings. */
function runs(expression: string, from: string, count: number, timeZone?: string): string[] {
  const s = schedule(expression, timeZone);
  const out: string[] = [];
  let t: Date | undefined = new Date(from);
  for (let i = 0; i < count && t; i += 1) {
    t = nextTimeAfter(s, t);
    if (t) out.push(t.toISOString());
  }
  return out;
}

describe('parseSchedule accepts', () => {
  const cases: Array<{ name: string; expression: string; from: string; next: string[] }> = [
    {
      name: '@yearly',
      expression: '@yearly',
      from: '2026-03-01T12:00:00Z',
      next: ['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'],
    },
    {
      name: '@annually',
      expression: '@annually',
      from: '2026-03-01T12:00:00Z',
      next: ['2027-01-01T00:00:00.000Z'],
    },
    {
      name: '@monthly',
      expression: '@monthly',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
    },
    {
      name: '@weekly runs on Sundays (2026-03-01 is a Sunday)',
      expression: '@weekly',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-03-08T00:00:00.000Z', '2026-03-15T00:00:00.000Z'],
    },
    {
      name: '@daily',
      expression: '@daily',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-03-02T00:00:00.000Z'],
    },
    {
      name: '@midnight',
      expression: '@midnight',
      from: '2026-03-01T00:00:00Z',
      next: ['2026-03-02T00:00:00.000Z'],
    },
    {
      name: '@hourly',
      expression: '@hourly',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-03-01T13:00:00.000Z', '2026-03-01T14:00:00.000Z'],
    },
    {
      name: 'macros ignore case and surrounding space',
      expression: ' @Daily ',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-03-02T00:00:00.000Z'],
    },
    {
      name: 'steps, ranges, lists and names',
      expression: '*/20 9-10 * JAN,MAR mon-fri',
      from: '2026-03-01T12:00:00Z',
      next: [
        '2026-03-02T09:00:00.000Z',
        '2026-03-02T09:20:00.000Z',
        '2026-03-02T09:40:00.000Z',
        '2026-03-02T10:00:00.000Z',
      ],
    },
    {
      name: '0 0 31 * * runs only in months with 31 days',
      expression: '0 0 31 * *',
      from: '2026-01-01T00:00:00Z',
      next: [
        '2026-01-31T00:00:00.000Z',
        '2026-03-31T00:00:00.000Z',
        '2026-05-31T00:00:00.000Z',
        '2026-07-31T00:00:00.000Z',
        '2026-08-31T00:00:00.000Z',
      ],
    },
    {
      name: '0 0 1 * 1 runs on the 1st OR on Mondays (Vixie cron)',
      expression: '0 0 1 * 1',
      from: '2026-03-25T00:00:00Z',
      next: [
        '2026-03-30T00:00:00.000Z', // Monday
        '2026-04-01T00:00:00.000Z', // the 1st, a Wednesday
        '2026-04-06T00:00:00.000Z', // Monday
      ],
    },
    {
      name: '? is * in day-of-month and day-of-week, 7 is Sunday',
      expression: '0 0 ? * 7',
      from: '2026-03-01T12:00:00Z',
      next: ['2026-03-08T00:00:00.000Z'],
    },
    {
      name: '0 0 29 2 * runs on leap days only',
      expression: '0 0 29 2 *',
      from: '2026-03-01T00:00:00Z',
      next: ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z'],
    },
    {
      name: 'a time zone moves the times',
      expression: '0 3 * * *',
      from: '2026-01-15T00:00:00Z',
      next: ['2026-01-15T02:00:00.000Z'], // 03:00 CET
    },
  ];
  it.each(cases)('$name', ({ expression, from, next }) => {
    const zone = expression === '0 3 * * *' ? 'Europe/Berlin' : undefined;
    expect(runs(expression, from, next.length, zone)).toEqual(next);
  });

  it('defaults to UTC and keeps the expression as written', () => {
    const s = schedule('  0 3 * * *');
    expect(s.timeZone).toBe('UTC');
    expect(s.expression).toBe('  0 3 * * *');
  });
});

describe('DST in America/New_York', () => {
  const NY = 'America/New_York';
  it.each([
    {
      // 02:30 does not exist on 2026-03-08: croner runs a fixed-time job at the
      // first valid time after the gap (03:00 EDT = 07:00Z), once, then 02:30 EDT.
      name: 'spring forward: 30 2 * * * runs at 03:00 EDT on the gap day',
      expression: '30 2 * * *',
      from: '2026-03-07T12:00:00Z',
      next: ['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z'],
    },
    {
      name: 'fall back: 30 1 * * * runs once, at the first 01:30 (EDT)',
      expression: '30 1 * * *',
      from: '2026-10-31T12:00:00Z',
      next: ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    },
    {
      name: 'fall back: 30 1,13 * * * (a list, fixed-time as in Vixie cron) runs once',
      expression: '30 1,13 * * *',
      from: '2026-10-31T18:00:00Z',
      next: ['2026-11-01T05:30:00.000Z', '2026-11-01T18:30:00.000Z'],
    },
    {
      name: 'fall back: 30 2 * * * is not affected (02:00 EDT became 01:00 EST)',
      expression: '30 2 * * *',
      from: '2026-10-31T12:00:00Z',
      next: ['2026-11-01T07:30:00.000Z', '2026-11-02T07:30:00.000Z'],
    },
    {
      name: 'fall back: an interval job runs on both passes of the repeated hour',
      expression: '*/30 1 * * *',
      from: '2026-10-31T12:00:00Z',
      next: [
        '2026-11-01T05:00:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-01T06:00:00.000Z',
        '2026-11-01T06:30:00.000Z',
        '2026-11-02T06:00:00.000Z',
      ],
    },
    {
      name: 'spring forward: an interval job skips the missing hour',
      expression: '0 * * * *',
      from: '2026-03-08T05:30:00Z',
      next: ['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z'], // 01:00 EST, 03:00 EDT
    },
  ])('$name', ({ expression, from, next }) => {
    expect(runs(expression, from, next.length, NY)).toEqual(next);
  });
});

describe('parseSchedule refuses', () => {
  const accepted = 'use 5-field cron';
  it.each([
    { name: 'empty', expression: '', message: ['is empty', accepted] },
    {
      name: 'seconds field',
      expression: '0 0 3 * * *',
      message: ['6 fields', 'seconds', accepted],
    },
    { name: 'too few fields', expression: '0 3 * *', message: ['4 fields', accepted] },
    { name: '@every', expression: '@every 1h', message: ['@every is not supported', '@hourly'] },
    { name: '@reboot', expression: '@reboot', message: ['@reboot is not supported', '@daily'] },
    { name: 'a macro with fields', expression: '@daily 3', message: ['@daily takes nothing'] },
    { name: 'unknown macro', expression: '@fortnightly', message: ['unknown macro', '@weekly'] },
    { name: 'TZ= prefix', expression: 'TZ=UTC 0 3 * * *', message: ['TZ=', 'timeZone field'] },
    {
      name: 'CRON_TZ= prefix',
      expression: 'CRON_TZ=Europe/Berlin 0 3 * * *',
      message: ['CRON_TZ=', 'timeZone field'],
    },
    { name: 'minute out of range', expression: '60 3 * * *', message: ['minute', accepted] },
    { name: 'hour out of range', expression: '0 24 * * *', message: ['hour', accepted] },
    { name: 'L (croner extension)', expression: '0 0 L * *', message: ['day-of-month field "L"'] },
    { name: '# (croner extension)', expression: '0 0 * * MON#2', message: ['day-of-week'] },
    { name: 'W (croner extension)', expression: '0 0 15W * *', message: ['day-of-month'] },
    { name: 'a day name as a month', expression: '0 0 * MON *', message: ['month field "MON"'] },
    { name: 'garbage', expression: 'every day at 3', message: ['fields', accepted] },
    {
      name: 'a date that never exists',
      expression: '0 0 30 2 *',
      message: ['never matches', '30 February'],
    },
  ])('$name', ({ expression, message }) => {
    const error = parseSchedule(expression);
    expect(error).toBeInstanceOf(ScheduleError);
    expect((error as ScheduleError).reason).toBe('InvalidSchedule');
    expect((error as ScheduleError).code).toBe('InvalidSchedule');
    for (const part of message) expect((error as ScheduleError).message).toContain(part);
  });

  it.each([
    { name: 'unknown zone', timeZone: 'Mars/Olympus_Mons', message: 'unknown time zone' },
    { name: 'Local (the host zone)', timeZone: 'Local', message: 'unknown time zone' },
    { name: 'empty zone', timeZone: '', message: 'invalid time zone' },
    { name: 'an offset, not a zone', timeZone: '+01:00', message: 'invalid time zone' },
  ])('time zone: $name', ({ timeZone, message }) => {
    const error = parseSchedule('0 3 * * *', timeZone) as ScheduleError;
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error.reason).toBe('InvalidTimeZone');
    expect(error.message).toContain(message);
    expect(error.message).toContain('IANA name such as "Europe/Berlin"');
  });
});

describe('nextTimeAfter and previousTimeAtOrBefore', () => {
  const hourly = schedule('0 * * * *');
  it.each([
    { name: 'exactly on a time: the next one', t: '2026-03-01T12:00:00.000Z', next: '13:00' },
    { name: '1 ms before a time: that time', t: '2026-03-01T11:59:59.999Z', next: '12:00' },
    { name: '1 ms after a time: the next one', t: '2026-03-01T12:00:00.001Z', next: '13:00' },
  ])('next, $name', ({ t, next }) => {
    expect(nextTimeAfter(hourly, new Date(t))?.toISOString()).toBe(`2026-03-01T${next}:00.000Z`);
  });
  it.each([
    { name: 'exactly on a time: that time', t: '2026-03-01T12:00:00.000Z', previous: '12:00' },
    {
      name: '1 ms before a time: the one before',
      t: '2026-03-01T11:59:59.999Z',
      previous: '11:00',
    },
    { name: 'within the second after', t: '2026-03-01T12:00:00.500Z', previous: '12:00' },
  ])('previous, $name', ({ t, previous }) => {
    expect(previousTimeAtOrBefore(hourly, new Date(t))?.toISOString()).toBe(
      `2026-03-01T${previous}:00.000Z`,
    );
  });
  it('refuses an invalid date', () => {
    expect(() => nextTimeAfter(hourly, new Date(NaN))).toThrow(RangeError);
  });
});

describe('defaultStaleAfterMs: 2 x the longest interval + the run allowance', () => {
  const NOW = new Date('2026-03-04T12:00:00Z'); // a Wednesday
  it.each([
    { name: 'hourly', expression: '@hourly', expected: 2 * HOUR + HOUR },
    { name: 'daily', expression: '0 3 * * *', expected: 2 * DAY + HOUR },
    { name: 'weekdays: the weekend gap', expression: '0 3 * * 1-5', expected: 6 * DAY + HOUR },
    { name: 'every 15 minutes', expression: '*/15 * * * *', expected: 30 * 60_000 + HOUR },
    { name: '31st: the two-month gap', expression: '0 0 31 * *', expected: 122 * DAY + HOUR },
  ])('$name', ({ expression, expected }) => {
    expect(defaultStaleAfterMs(schedule(expression), NOW)).toBe(expected);
  });
  it('takes the run allowance from the caller', () => {
    expect(defaultStaleAfterMs(schedule('0 3 * * *'), NOW, 10 * 60_000)).toBe(2 * DAY + 600_000);
  });
});

describe('parseSchedule remembers its results', () => {
  it('the same arguments give the same Schedule; a different zone or an error stays apart', () => {
    expect(parseSchedule('0 3 * * *')).toBe(parseSchedule('0 3 * * *'));
    expect(parseSchedule('0 3 * * *', 'Europe/Berlin')).not.toBe(parseSchedule('0 3 * * *'));
    expect(parseSchedule('0 3 * * *', '')).toBeInstanceOf(ScheduleError);
    expect(parseSchedule('0 3 * * *')).not.toBeInstanceOf(ScheduleError);
  });
});
