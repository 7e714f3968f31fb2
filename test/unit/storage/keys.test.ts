import {
  assertValidKey,
  assertValidPrefix,
  isTempName,
  normalizeBasePrefix,
  tempTarget,
} from '../../../src/storage/keys.js';

describe('assertValidKey', () => {
  it.each([
    'a',
    'a/b.db',
    'etcd/prod/2025-01-01T00:00:00Z-rev0000000042.db',
    'ü/ключ',
    '.hidden',
    'a.tmp-x',
  ])('accepts %j', (key) => expect(() => assertValidKey(key)).not.toThrow());

  it.each([
    ['', 'must not be empty'],
    ['/a', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a//b', 'empty path segment'],
    ['a/./b', '"." segments'],
    ['../a', '".." segments'],
    ['a\u0000b', 'control characters'],
    ['a\nb', 'control characters'],
    ['.snap.db.tmp-0123456789abcdef', 'reserved for temp files'],
    ['x'.repeat(1025), 'longer than 1024 bytes'],
  ])('rejects %j (%s)', (key, why) => {
    expect(() => assertValidKey(key)).toThrow(
      expect.objectContaining({ code: 'InvalidKey', message: expect.stringContaining(why) }),
    );
  });
});

describe('assertValidPrefix', () => {
  it.each(['', 'a', 'a/', 'a/b-', 'a/.'.slice(0, 2)])('accepts %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  it.each(['../', 'a/..', '/a', 'a//b', 'a/./'])('rejects %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).toThrow(
      expect.objectContaining({ code: 'InvalidKey' }),
    );
  });
});

describe('normalizeBasePrefix', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['a', 'a/'],
    ['/a/b/', 'a/b/'],
    ['a/b//', 'a/b/'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeBasePrefix(input)).toBe(expected);
  });

  it('rejects dot segments', () => {
    expect(() => normalizeBasePrefix('a/../b')).toThrow(
      expect.objectContaining({ code: 'InvalidKey' }),
    );
  });
});

describe('temp names', () => {
  it('recognises the filesystem adapter temp files and their targets', () => {
    expect(isTempName('.snap.db.tmp-0123456789abcdef')).toBe(true);
    expect(tempTarget('.snap.db.tmp-0123456789abcdef')).toBe('snap.db');
    expect(isTempName('snap.db')).toBe(false);
    expect(isTempName('.snap.db.tmp-xyz')).toBe(false);
    expect(tempTarget('snap.db')).toBeUndefined();
  });
});
