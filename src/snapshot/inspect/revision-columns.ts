// Every leaf entry decoded as a `key` bucket record, one row per entry in
// columns of numbers: main revision, tombstone, the user key as a 64-bit
// fingerprint with its length and Kubernetes class, and its live bytes.
// About 33 bytes a row, whatever the key's length.
import { SnapshotFormatError } from '../../bbolt/errors.js';
import { BUCKET_LEAF_FLAG } from '../../bbolt/layout.js';
import { newLeafElement, readLeafElement, type TreePage } from '../../bbolt/page.js';
import { f64, i32, u8 } from './columns.js';
import type { KeyClasses } from './key-classes.js';
import { hashKey, newKeyHash, type KeyHash } from './key-hash.js';
import { decodeKeyValue, newKeyValue } from './key-value.js';
import { decodeRevision, newRevision } from './revision.js';

export type KeyHasher = (buf: Uint8Array, start: number, end: number, out: KeyHash) => void;

export class RevisionColumns {
  /** Main revision; -1 for a nested bucket entry, which is hashed, never decoded. */
  readonly main = f64();
  readonly tombstone = u8();
  readonly hashLo = i32();
  readonly hashHi = i32();
  readonly keyLength = i32();
  readonly keyClass = i32();
  /** User key bytes + value bytes. */
  readonly bytes = f64();
  private readonly e = newLeafElement();
  private readonly rev = newRevision();
  private readonly kv = newKeyValue();
  private readonly hash = newKeyHash();

  /** `hasher` is for tests that need keys to collide. */
  constructor(
    private readonly classes: KeyClasses,
    private readonly hasher: KeyHasher = hashKey,
  ) {}

  get length(): number {
    return this.main.length;
  }

  /** Appends a row per entry of the leaf; on the first entry that is no `key` record, none, and why. */
  appendLeaf(page: TreePage): SnapshotFormatError | null {
    const start = this.length;
    try {
      for (let i = 0; i < page.count; i++) this.appendEntry(page, i);
      return null;
    } catch (err) {
      if (!(err instanceof SnapshotFormatError)) throw err;
      this.truncate(start);
      return err;
    }
  }

  /** Same user key: fingerprint, length and class all equal. */
  sameKey(a: number, b: number): boolean {
    return (
      this.hashLo.get(a) === this.hashLo.get(b) &&
      this.hashHi.get(a) === this.hashHi.get(b) &&
      this.keyLength.get(a) === this.keyLength.get(b) &&
      this.keyClass.get(a) === this.keyClass.get(b)
    );
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    return [
      this.main,
      this.tombstone,
      this.hashLo,
      this.hashHi,
      this.keyLength,
      this.keyClass,
      this.bytes,
    ].reduce((n, c) => n + c.byteLength, 0);
  }

  private appendEntry(page: TreePage, i: number): void {
    const { buf } = page;
    const { e, rev, kv, hash } = this;
    readLeafElement(page, i, e);
    if (e.flags & BUCKET_LEAF_FLAG) return this.push(-1, false, 0, 0, 0, 0, 0);
    decodeRevision(buf, e.keyStart, e.keyEnd, rev, page.id);
    decodeKeyValue(buf, e.valueStart, e.valueEnd, kv, page.id);
    this.hasher(buf, kv.keyStart, kv.keyEnd, hash);
    const keyClass = this.classes.classify(buf.toString('latin1', kv.keyStart, kv.keyEnd));
    const bytes = kv.keyEnd - kv.keyStart + (kv.valueEnd - kv.valueStart);
    this.push(rev.main, rev.tombstone, hash.lo, hash.hi, kv.keyEnd - kv.keyStart, keyClass, bytes);
  }

  private push(
    main: number,
    tombstone: boolean,
    lo: number,
    hi: number,
    keyLength: number,
    keyClass: number,
    bytes: number,
  ): void {
    this.main.push(main);
    this.tombstone.push(tombstone ? 1 : 0);
    this.hashLo.push(lo);
    this.hashHi.push(hi);
    this.keyLength.push(keyLength);
    this.keyClass.push(keyClass);
    this.bytes.push(bytes);
  }

  private truncate(n: number): void {
    this.main.truncate(n);
    this.tombstone.truncate(n);
    this.hashLo.truncate(n);
    this.hashHi.truncate(n);
    this.keyLength.truncate(n);
    this.keyClass.truncate(n);
    this.bytes.truncate(n);
  }
}
