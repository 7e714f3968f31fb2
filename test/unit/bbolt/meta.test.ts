import { SnapshotFormatError } from '../../../src/bbolt/errors.js';
import {
  checkMetaBounds,
  chooseMeta,
  decodeMeta,
  fnv64a,
  type Meta,
  type MetaResult,
} from '../../../src/bbolt/meta.js';
import { flipByte, metaPage } from '../../support/fixtures/bbolt-image.js';

const fields = { root: 3, freelist: null, pgid: 10, txid: 7 };

describe('fnv64a', () => {
  it.each([
    ['', 0xcbf29ce484222325n],
    ['a', 0xaf63dc4c8601ec8cn],
    ['foobar', 0x85944171f73967e8n],
  ])('hashes %j like the FNV-1a reference', (text, expected) => {
    const buf = Buffer.from(text);
    expect(fnv64a(buf, 0, buf.length)).toBe(expected);
  });
});

describe('decodeMeta', () => {
  it('decodes a valid meta page', () => {
    const result = decodeMeta(metaPage(4096, 1, { ...fields, freelist: 2 }), 0, 1);
    expect(result).toEqual({
      ok: true,
      meta: {
        pageId: 1,
        pageSize: 4096,
        flags: 0,
        root: 3,
        rootSequence: 0,
        freelist: 2,
        pgid: 10,
        txid: 7,
      },
    });
  });

  it('reads the all-ones freelist id as "not persisted"', () => {
    const result = decodeMeta(metaPage(4096, 0, fields), 0, 0);
    expect(result.ok && result.meta.freelist).toBeNull();
  });

  const corrupt = (mutate: (page: Buffer) => void) => {
    const page = metaPage(4096, 0, fields);
    mutate(page);
    return page;
  };
  it.each<[string, Buffer, MetaResult['ok'] | string]>([
    ['bad magic', corrupt((p) => p.writeUInt32LE(0xdeadbeef, 16)), 'BadMagic'],
    ['bad version', corrupt((p) => p.writeUInt32LE(1, 20)), 'BadVersion'],
    ['a flipped field', corrupt((p) => flipByte(p, 16 + 40)), 'BadMetaChecksum'],
    ['a flipped checksum', corrupt((p) => flipByte(p, 16 + 56, 0x80)), 'BadMetaChecksum'],
    ['a non-meta page type', corrupt((p) => p.writeUInt16LE(0x02, 8)), 'BadPageType'],
    ['the other meta id', corrupt((p) => p.writeUInt32LE(1, 0)), 'BadPageType'],
    ['a short buffer', Buffer.alloc(40), 'Truncated'],
  ])('rejects %s', (_name, page, code) => {
    const result = decodeMeta(page, 0, 0);
    expect(result.ok ? 'ok' : result.code).toBe(code);
  });
});

describe('chooseMeta', () => {
  const meta = (pageId: number, txid: number): MetaResult => ({
    ok: true,
    meta: { ...fields, pageId, txid, pageSize: 4096, flags: 0, rootSequence: 0 },
  });
  const bad: MetaResult = { ok: false, code: 'BadMetaChecksum', reason: 'bad' };

  it.each<[string, MetaResult, MetaResult, number]>([
    ['the higher txid (page 0)', meta(0, 9), meta(1, 8), 0],
    ['the higher txid (page 1)', meta(0, 8), meta(1, 9), 1],
    ['the valid one when page 0 is bad', bad, meta(1, 3), 1],
    ['the valid one when page 1 is bad', meta(0, 3), bad, 0],
  ])('picks %s', (_name, a, b, expected) => {
    expect(chooseMeta(a, b).pageId).toBe(expected);
  });

  it('fails with page 0 reason code when neither is valid', () => {
    expect(() => chooseMeta(bad, { ...bad, code: 'BadMagic' })).toThrow(
      expect.objectContaining({ code: 'BadMetaChecksum' }),
    );
  });
});

describe('checkMetaBounds', () => {
  const base: Meta = { ...fields, pageId: 0, pageSize: 4096, flags: 0, rootSequence: 0 };
  it.each<[string, Partial<Meta>, number, string | null]>([
    ['a consistent meta', {}, 10 * 4096, null],
    ['a high water mark past the file', {}, 9 * 4096, 'Truncated'],
    ['a root at a meta page', { root: 1 }, 10 * 4096, 'PageOutOfRange'],
    ['a root past the high water mark', { root: 10 }, 10 * 4096, 'PageOutOfRange'],
    ['a freelist past the high water mark', { freelist: 12 }, 10 * 4096, 'PageOutOfRange'],
  ])('%s', (_name, patch, dbBytes, code) => {
    const run = () => checkMetaBounds({ ...base, ...patch }, dbBytes);
    if (code === null) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code, name: SnapshotFormatError.name }));
  });
});
