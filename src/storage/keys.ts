import { StorageError } from './storage-error.js';

/** S3's limit on a key's UTF-8 length; the filesystem adapter keeps the same contract. */
const MAX_KEY_BYTES = 1024;
function hasControlChars(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Names the filesystem adapter gives its temp files (`.<name>.tmp-<hex>`). Both
 * adapters reserve them so that a key behaves the same whichever store holds it.
 */
const TEMP_NAME = /^\.(.+)\.tmp-([0-9a-f]{8,})$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** The object name a temp file was written for, or undefined for ordinary names. */
export function tempTarget(name: string): string | undefined {
  return TEMP_NAME.exec(name)?.[1];
}

function invalid(key: string, why: string): StorageError {
  return new StorageError('InvalidKey', `invalid object key ${JSON.stringify(key)}: ${why}`);
}

/** Checks the segments shared by keys and prefixes: no `.`/`..`, no empty or reserved names. */
function checkSegments(key: string, segments: readonly string[]): void {
  for (const segment of segments) {
    if (segment === '') throw invalid(key, 'empty path segment (leading, trailing or double "/")');
    if (segment === '.' || segment === '..')
      throw invalid(key, `"${segment}" segments are not allowed`);
    if (isTempName(segment))
      throw invalid(key, 'names like ".<name>.tmp-<hex>" are reserved for temp files');
  }
}

/** Throws `InvalidKey` unless `key` is a relative, normalised object key. */
export function assertValidKey(key: string): void {
  if (key === '') throw invalid(key, 'must not be empty');
  if (hasControlChars(key)) throw invalid(key, 'control characters are not allowed');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw invalid(key, `longer than ${MAX_KEY_BYTES} bytes`);
  }
  checkSegments(key, key.split('/'));
}

/** A list prefix is a key that may stop anywhere: `""`, `"a/"` and `"a/snap-"` are all fine. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  if (hasControlChars(prefix)) throw invalid(prefix, 'control characters are not allowed');
  const segments = prefix.split('/');
  // The last segment is a partial name ("" after a trailing slash), so only the complete ones must be valid.
  checkSegments(prefix, segments.slice(0, -1));
  const last = segments[segments.length - 1] ?? '';
  if (last === '.' || last === '..') throw invalid(prefix, `"${last}" segments are not allowed`);
}

/**
 * Normalises a base prefix from configuration: no leading slash, exactly one
 * trailing slash unless empty. Segments must be valid key segments.
 */
export function normalizeBasePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  assertValidKey(trimmed);
  return `${trimmed}/`;
}
