import { decodeKeyValue, newKeyValue } from '../../../../src/snapshot/inspect/key-value.js';
import { encodeKeyValue } from '../../../support/fixtures/etcd-records.js';

function decode(buf: Buffer) {
  const kv = newKeyValue();
  decodeKeyValue(buf, 0, buf.length, kv, 11);
  return {
    key: buf.toString('latin1', kv.keyStart, kv.keyEnd),
    value: buf.toString('latin1', kv.valueStart, kv.valueEnd),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
  };
}

describe('decodeKeyValue', () => {
  it('decodes every field', () => {
    const buf = encodeKeyValue({
      key: '/registry/pods/a/b',
      value: 'v'.repeat(300),
      createRevision: 3,
      modRevision: 2 ** 35,
      version: 4,
      lease: 7,
    });
    expect(decode(buf)).toEqual({
      key: '/registry/pods/a/b',
      value: 'v'.repeat(300),
      createRevision: 3,
      modRevision: 2 ** 35,
      version: 4,
      lease: 7,
    });
  });

  it('decodes a tombstone record (key only) and an empty message', () => {
    expect(decode(encodeKeyValue({ key: 'k' }))).toMatchObject({
      key: 'k',
      value: '',
      modRevision: 0,
    });
    expect(decode(Buffer.alloc(0))).toMatchObject({ key: '', value: '' });
  });

  it('skips unknown fields of every wire type', () => {
    const unknown = Buffer.from([
      0x38,
      0x05, // field 7 varint
      0x41,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // field 8 fixed64
      0x4a,
      0x02,
      0x61,
      0x62, // field 9 bytes
      0x55,
      1,
      2,
      3,
      4, // field 10 fixed32
    ]);
    expect(
      decode(Buffer.concat([unknown, encodeKeyValue({ key: 'k', value: 'v' })])),
    ).toMatchObject({ key: 'k', value: 'v' });
  });

  it.each([
    ['a length past the end', Buffer.from([0x0a, 0x05, 0x61])],
    ['a truncated varint', Buffer.from([0x10, 0x80])],
    ['an over-long varint', Buffer.from([0x10, ...Array(11).fill(0x80), 0x01])],
    ['a group wire type', Buffer.from([0x0b])],
    ['field number zero', Buffer.from([0x00, 0x01])],
    ['a fixed64 past the end', Buffer.from([0x41, 1, 2])],
  ])('rejects %s as BadKeyValue', (_name, buf) => {
    expect(() => decodeKeyValue(buf, 0, buf.length, newKeyValue(), 11)).toThrow(
      expect.objectContaining({ code: 'BadKeyValue', pageId: 11 }),
    );
  });
});
