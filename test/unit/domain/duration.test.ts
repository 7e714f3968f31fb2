import {
  formatDuration,
  InvalidDurationError,
  parseDuration,
} from '../../../src/domain/duration.js';
import { mulberry32, randomInt } from '../../support/prng.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['90s', 90 * S],
    ['15m', 15 * M],
    ['2h30m', 2 * H + 30 * M],
    ['7d', 7 * D],
    ['4w', 28 * D],
    ['1w2d3h4m5s6ms', 9 * D + 3 * H + 4 * M + 5 * S + 6],
    ['1.5h', 90 * M],
    ['.5s', 500],
    ['0.001s', 1],
    ['250ms', 250],
    ['0', 0],
    ['0s', 0],
    ['720h', 30 * D],
    ['36500d', 36500 * D],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['no unit', '90'],
    ['negative', '-5m'],
    ['explicit plus', '+5m'],
    ['space', '5 m'],
    ['upper-case unit', '5M'],
    ['unknown unit', '3y'],
    ['sub-millisecond unit', '100us'],
    ['fraction of a millisecond', '1.5ms'],
    ['units out of order', '30m2h'],
    ['repeated unit', '1h1h'],
    ['trailing garbage', '1hx'],
    ['dangling number', '1h30'],
    ['word', 'forever'],
    ['too large', '99999999999999w'],
  ])('rejects %s, naming the valid forms', (_, text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
    expect(() => parseDuration(text)).toThrow(/e\.g\. 90s, 15m, 2h30m, 7d or 4w/);
  });

  it('says what is wrong', () => {
    expect(() => parseDuration('90')).toThrow(/"90" has no unit/);
    expect(() => parseDuration('30m2h')).toThrow(/unit "h" repeated or out of order/);
    expect(() => parseDuration('-5m')).toThrow(/sign is not allowed/);
  });

  it('carries a stable code', () => {
    expect(() => parseDuration('x')).toThrow(expect.objectContaining({ code: 'InvalidDuration' }));
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [1, '1ms'],
    [1500, '1s500ms'],
    [90 * S, '1m30s'],
    [2 * H + 30 * M, '2h30m'],
    [7 * D, '7d'],
    [30 * D + 1, '30d1ms'],
  ])('%d ms -> %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });

  it('is read back by parseDuration (property, seeded)', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 1000; i += 1) {
      const ms = randomInt(random, 10 ** randomInt(random, 13));
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
