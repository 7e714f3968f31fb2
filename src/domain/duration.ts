import { ProjectError } from '../api/errors.js';
/**
 * Go/Kubernetes-style durations (`90s`, `15m`, `2h30m`) extended with days and
 * weeks (`7d`, `4w`) for retention, as whole milliseconds.
 *
 * Stricter than Go's time.ParseDuration on purpose: no sign, each unit at most
 * once and largest first (`30m2h` is almost certainly a typo), no sub-millisecond
 * units, and the result must be a whole number of milliseconds. A bare `0` is
 * accepted as in Go. A day is 24 hours and a week 7 days (UTC has no DST).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Largest first; the order a duration's units must appear in. */
const UNITS: ReadonlyArray<readonly [unit: string, ms: number]> = [
  ['w', WEEK],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
];
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d|w)/y;
const FORMS =
  'use a number followed by a unit (ms, s, m, h, d, w), largest unit first, e.g. 90s, 15m, 2h30m, 7d or 4w';

/** A duration string that cannot be parsed; the message names the valid forms. */
export class InvalidDurationError extends ProjectError {
  override readonly name = 'InvalidDurationError';
  readonly code = 'InvalidDuration';
  readonly category = 'usage';
  override get reason(): string {
    return 'InvalidConfig';
  }
}

/** Parses `2h30m`, `7d`, `4w`, `1.5h`, `0` to milliseconds; throws InvalidDurationError. */
export function parseDuration(text: string): number {
  const fail = (detail: string) =>
    new InvalidDurationError(`invalid duration "${text}": ${detail}; ${FORMS}`);
  if (text === '0') return 0;
  if (text === '') throw fail('it is empty');
  if (/^[-+]/.test(text)) throw fail('a sign is not allowed');
  let total = 0n;
  let lastRank = -1;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const at = TERM.lastIndex;
    const match = TERM.exec(text);
    if (!match) throw fail(unexpected(text.slice(at)));
    const [, amount = '', unit = ''] = match;
    const rank = UNITS.findIndex(([u]) => u === unit);
    if (rank <= lastRank) throw fail(`unit "${unit}" repeated or out of order`);
    lastRank = rank;
    total += termMilliseconds(amount, UNITS[rank]?.[1] ?? 0, fail);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw fail('it is too large');
  return Number(total);
}

/** Formats milliseconds compactly (`2h30m`, `7d`, `1s500ms`, `0s`); parseDuration reads it back. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`duration ${ms} is not a non-negative whole number of milliseconds`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  // Weeks are accepted but not emitted: "30d" reads better than "4w2d".
  for (const [unit, size] of UNITS.slice(1)) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}

function unexpected(rest: string): string {
  return /^\d+(?:\.\d+)?$/.test(rest) ? `"${rest}" has no unit` : `unexpected "${rest}"`;
}

function termMilliseconds(amount: string, unitMs: number, fail: (d: string) => Error): bigint {
  const [whole = '', fraction = ''] = amount.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(`${whole || '0'}${fraction}`) * BigInt(unitMs);
  if (scaled % scale !== 0n) throw fail(`"${amount}" is not a whole number of milliseconds`);
  return scaled / scale;
}
