import { decodeRevision, newRevision } from '../../../../src/snapshot/inspect/revision.js';
import { revisionKey } from '../../../support/fixtures/etcd-records.js';

describe('decodeRevision', () => {
  it.each([
    ['a put', revisionKey(5, 2), { main: 5, sub: 2, tombstone: false }],
    ['a delete', revisionKey(7, 0, true), { main: 7, sub: 0, tombstone: true }],
    [
      'a large revision',
      revisionKey(2 ** 40 + 3, 1),
      { main: 2 ** 40 + 3, sub: 1, tombstone: false },
    ],
    [
      'an 18-byte key with another mark',
      Buffer.concat([revisionKey(9), Buffer.from('x')]),
      { main: 9, sub: 0, tombstone: false },
    ],
  ])('decodes %s', (_name, key, expected) => {
    const out = newRevision();
    decodeRevision(key, 0, key.length, out, 3);
    expect(out).toEqual(expected);
  });

  const negative = revisionKey(1);
  negative[0] = 0x80;
  const noSeparator = revisionKey(1);
  noSeparator[8] = 0x2e;
  it.each([
    ['too short', Buffer.alloc(16)],
    ['too long', Buffer.alloc(19)],
    ['without the separator', noSeparator],
    ['with a negative main revision', negative],
  ])('rejects a key %s', (_name, key) => {
    expect(() => decodeRevision(key, 0, key.length, newRevision(), 3)).toThrow(
      expect.objectContaining({ code: 'BadRevisionKey', pageId: 3 }),
    );
  });
});
