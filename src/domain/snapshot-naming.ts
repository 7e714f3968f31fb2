/**
 * Object names of stored snapshots, relative to the store's own prefix:
 *
 *   <name>/<UTC yyyymmddThhmmssZ>-r<revision, 20 digits>.db[.zst|.gz][.age]
 *   <snapshot key>.manifest.json
 *
 * The zero padding makes names sort by time then revision as plain strings,
 * which keeps bucket listings readable, but nothing here or elsewhere may rely
 * on that: coreos/etcd-operator sorted names lexically and deleted its newest
 * backup when the revision gained a digit. Order by the parsed (time, revision)
 * with {@link compareSnapshotAge}.
 *
 * The name carries whole seconds; the manifest records the exact time.
 */

import type { Compression } from '../api/v1alpha1/constants.js';

export type { Compression };

export interface SnapshotObjectNameParts {
  /** The EtcdBackup's name (a DNS-1123 label); one folder per backup. */
  readonly name: string;
  readonly time: Date;
  /** etcd revisions are int64. */
  readonly revision: bigint;
  readonly compression: Compression;
  /** Client-side encrypted with age. */
  readonly encrypted: boolean;
}

export interface SnapshotObjectNameInput extends Omit<SnapshotObjectNameParts, 'revision'> {
  readonly revision: bigint | number;
}

const MANIFEST_SUFFIX = '.manifest.json';
const MAX_REVISION = 2n ** 63n - 1n;
const REVISION_DIGITS = 20;
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const SNAPSHOT_KEY =
  /^([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\/(\d{8}T\d{6}Z)-r(\d{20})\.db(\.zst|\.gz)?(\.age)?$/;
const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const EXTENSION: Readonly<Record<Compression, string>> = { zstd: '.zst', gzip: '.gz', none: '' };

/** The folder holding one backup's objects, e.g. `nightly/`; list with it so retention only sees its own. */
export function snapshotObjectPrefix(name: string): string {
  assertName(name);
  return `${name}/`;
}

/** Builds a snapshot object name. Throws RangeError on an invalid name, time or revision. */
export function snapshotObjectName(input: SnapshotObjectNameInput): string {
  assertName(input.name);
  const revision = toRevision(input.revision);
  const suffix = EXTENSION[input.compression];
  if (suffix === undefined)
    throw new RangeError(`unknown compression '${String(input.compression)}'`);
  const padded = revision.toString().padStart(REVISION_DIGITS, '0');
  const age = input.encrypted ? '.age' : '';
  return `${input.name}/${formatCompactTime(input.time)}-r${padded}.db${suffix}${age}`;
}

/** The manifest object that accompanies (and, by existing, verifies) a snapshot object. */
export function manifestObjectName(snapshotKey: string): string {
  if (!parseSnapshotObjectName(snapshotKey)) {
    throw new RangeError(`'${snapshotKey}' is not a snapshot object name`);
  }
  return `${snapshotKey}${MANIFEST_SUFFIX}`;
}

/** The snapshot key a manifest belongs to, or undefined when `key` is not a manifest name. */
export function parseManifestObjectName(key: string): string | undefined {
  if (!key.endsWith(MANIFEST_SUFFIX)) return undefined;
  const snapshotKey = key.slice(0, -MANIFEST_SUFFIX.length);
  return parseSnapshotObjectName(snapshotKey) ? snapshotKey : undefined;
}

/** Strict inverse of {@link snapshotObjectName}: anything else (manifests included) is undefined. */
export function parseSnapshotObjectName(key: string): SnapshotObjectNameParts | undefined {
  const match = SNAPSHOT_KEY.exec(key);
  if (!match) return undefined;
  const [, name, stamp, digits, ext, age] = match;
  if (name === undefined || stamp === undefined || digits === undefined) return undefined;
  const time = parseCompactTime(stamp);
  const revision = BigInt(digits);
  if (!time || revision > MAX_REVISION) return undefined;
  const compression: Compression = ext === '.zst' ? 'zstd' : ext === '.gz' ? 'gzip' : 'none';
  return { name, time, revision, compression, encrypted: age !== undefined };
}

/** Oldest first by time, then revision. Never compare object names as strings. */
export function compareSnapshotAge(
  a: { readonly time: Date; readonly revision: bigint },
  b: { readonly time: Date; readonly revision: bigint },
): number {
  const byTime = a.time.getTime() - b.time.getTime();
  if (byTime !== 0) return Math.sign(byTime);
  return a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0;
}

function assertName(name: string): void {
  if (!DNS1123_LABEL.test(name)) {
    throw new RangeError(
      `'${name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)`,
    );
  }
}

function toRevision(value: bigint | number): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`revision ${value} is not a safe integer; pass a bigint`);
  }
  const revision = BigInt(value);
  if (revision < 0n || revision > MAX_REVISION) {
    throw new RangeError(`revision ${revision} is outside etcd's int64 range`);
  }
  return revision;
}

function formatCompactTime(time: Date): string {
  const ms = time.getTime();
  const year = time.getUTCFullYear();
  if (Number.isNaN(ms) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RangeError(`snapshot time must be a valid date in ${MIN_YEAR}..${MAX_YEAR}`);
  }
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${year}${two(time.getUTCMonth() + 1)}${two(time.getUTCDate())}`;
  return `${date}T${two(time.getUTCHours())}${two(time.getUTCMinutes())}${two(time.getUTCSeconds())}Z`;
}

function parseCompactTime(stamp: string): Date | undefined {
  const parts = COMPACT_TIME.exec(stamp)?.slice(1).map(Number);
  if (!parts || parts.length !== 6) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  if (year < MIN_YEAR) return undefined;
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 30 February over to March; the round trip rejects such stamps.
  return formatCompactTime(time) === stamp ? time : undefined;
}
