import { ProjectError } from '../api/errors.js';
/**
 * Byte sizes written as Kubernetes resource quantities (`500Mi`, `10Gi`, `1T`,
 * `1.5G`, `1e9`, `1000`), as whole bytes in a JS number.
 *
 * Follows apimachinery's grammar: binary suffixes Ki..Ei (powers of 1024),
 * decimal k, M, G, T, P, E (powers of 1000), or an exponent e/E. Fractional
 * bytes round up, as Quantity.Value() does. Rejected with a hint because they
 * are always a mistake for a byte size: a minus sign, the sub-unit suffixes
 * m/u/n (`500m` is half a byte, not 500 MB), and `K`, `KB`, `GiB`, `10 Gi`.
 * Sizes above Number.MAX_SAFE_INTEGER (8 PiB) are refused rather than rounded.
 */

const BINARY: ReadonlyArray<readonly [suffix: string, factor: bigint]> = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];
const FACTOR: ReadonlyMap<string, bigint> = new Map([
  ...BINARY,
  ['', 1n],
  ['k', 10n ** 3n],
  ['M', 10n ** 6n],
  ['G', 10n ** 9n],
  ['T', 10n ** 12n],
  ['P', 10n ** 15n],
  ['E', 10n ** 18n],
]);
const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE])|[eE]([-+]?\d{1,4}))?$/;
const NUMBER_THEN_REST = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(.*)$/;
const MAX_BYTES = BigInt(Number.MAX_SAFE_INTEGER);
const FORMS =
  'use a number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or k, M, G, T, P, E (powers of 1000), e.g. 500Mi, 10Gi, 1.5G or 1000';
const HUMAN_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** A byte-size string that cannot be parsed; the message names the valid forms. */
export class InvalidQuantityError extends ProjectError {
  override readonly name = 'InvalidQuantityError';
  readonly code = 'InvalidQuantity';
  readonly category = 'usage';
  override get reason(): string {
    return 'InvalidConfig';
  }
}

/** Parses a Kubernetes quantity as bytes; throws InvalidQuantityError. */
export function parseByteQuantity(text: string): number {
  const fail = (detail: string) =>
    new InvalidQuantityError(`invalid byte size "${text}": ${detail}; ${FORMS}`);
  const match = QUANTITY.exec(text);
  if (!match) throw fail(diagnose(text));
  const [, number = '', suffix, exponent] = match;
  const factor = FACTOR.get(suffix ?? '');
  if (factor === undefined) throw fail(diagnose(text));
  const [whole = '', fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}`) * factor;
  let denominator = 10n ** BigInt(fraction.length);
  const exp = Number(exponent ?? '0');
  if (exp >= 0) numerator *= 10n ** BigInt(exp);
  else denominator *= 10n ** BigInt(-exp);
  const bytes = (numerator + denominator - 1n) / denominator;
  if (bytes > MAX_BYTES) throw fail('it is larger than 8 PiB');
  return Number(bytes);
}

/** Human-readable binary size, one decimal at most: `1.5 GiB`, `1 KiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  assertBytes(bytes);
  let unit = 0;
  let value = bytes;
  while (unit < HUMAN_UNITS.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit += 1;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded} ${HUMAN_UNITS[unit]}`;
}

/** The exact quantity for `bytes` with the largest binary suffix that divides it: `10Gi`, `1536Ki`, `1000`. */
export function formatByteQuantity(bytes: number): string {
  assertBytes(bytes);
  const value = BigInt(bytes);
  if (value === 0n) return '0';
  const fit = BINARY.find(([, factor]) => value % factor === 0n);
  return fit ? `${value / fit[1]}${fit[0]}` : `${value}`;
}

function assertBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`${bytes} is not a non-negative whole number of bytes`);
  }
}

function diagnose(text: string): string {
  if (text.trim() === '') return 'it is empty';
  if (text.startsWith('-')) return 'a size cannot be negative';
  const rest = NUMBER_THEN_REST.exec(text)?.[1];
  if (rest === undefined) return 'it does not start with a number';
  if (/^\s/.test(rest)) return 'remove the space before the suffix';
  if (/^[mun]$/.test(rest)) return `"${rest}" is a fraction (milli, micro, nano), not a byte unit`;
  if (rest === 'K') return 'use k (1000) or Ki (1024)';
  if (/^[kKMGTPE]B$/.test(rest))
    return `use ${rest[0]?.replace('K', 'k')} or ${rest[0]?.toUpperCase()}i`;
  if (/^[KMGTPE]iB$/.test(rest)) return `drop the B: ${rest.slice(0, 2)}`;
  if (/^[bB]$/.test(rest)) return 'write bytes as a plain number';
  return `unknown suffix "${rest}"`;
}
