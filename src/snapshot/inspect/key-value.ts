// A hand decoder for mvccpb.KeyValue, the value of every `key` bucket entry:
//   1 key bytes · 2 create_revision · 3 mod_revision · 4 version · 5 value bytes · 6 lease
// Unknown fields are skipped as protobuf requires; anything malformed throws.
import { SnapshotFormatError } from '../../bbolt/errors.js';

/** Offsets into the source buffer and the integer fields; reused between calls. */
export interface KeyValue {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: number;
}

export function newKeyValue(): KeyValue {
  return {
    keyStart: 0,
    keyEnd: 0,
    valueStart: 0,
    valueEnd: 0,
    createRevision: 0,
    modRevision: 0,
    version: 0,
    lease: 0,
  };
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** A cursor over one message; a single instance is reused (decoding is synchronous). */
class Reader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  reset(buf: Buffer, start: number, end: number): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** A varint as a number: exact up to 2^53, which covers revisions and sizes. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('varint runs past the end');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw new Error(`field of ${n} bytes runs past the end`);
    this.pos += n;
  }
}

const reader = new Reader();

/** Decodes buf[start, end) into `out`; BadKeyValue names the page on failure. */
export function decodeKeyValue(
  buf: Buffer,
  start: number,
  end: number,
  out: KeyValue,
  pageId: number,
): void {
  out.keyStart = out.keyEnd = out.valueStart = out.valueEnd = start;
  out.createRevision = out.modRevision = out.version = out.lease = 0;
  try {
    decodeFields(reader.reset(buf, start, end), out);
  } catch (err) {
    throw new SnapshotFormatError(
      'BadKeyValue',
      `page ${pageId}: key bucket value is not an mvccpb.KeyValue: ${(err as Error).message}`,
      { pageId },
    );
  }
}

function decodeFields(r: Reader, out: KeyValue): void {
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new Error('field number 0');
    if (wire === WIRE_VARINT) {
      const v = r.varint();
      if (field === 2) out.createRevision = v;
      else if (field === 3) out.modRevision = v;
      else if (field === 4) out.version = v;
      else if (field === 6) out.lease = v;
    } else if (wire === WIRE_BYTES) {
      const len = r.varint();
      const from = r.pos;
      r.skip(len);
      if (field === 1) {
        out.keyStart = from;
        out.keyEnd = r.pos;
      } else if (field === 5) {
        out.valueStart = from;
        out.valueEnd = r.pos;
      }
    } else if (wire === WIRE_FIXED64) r.skip(8);
    else if (wire === WIRE_FIXED32) r.skip(4);
    else throw new Error(`unsupported wire type ${wire} for field ${field}`);
  }
}
