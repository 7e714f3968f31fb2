// age's payload (age-encryption.org/v1, "STREAM"): 64 KiB chunks of
// ChaCha20-Poly1305 under a key derived from the file key and a 16-byte nonce.
// The age-encryption package writes and reads the header (recipients, stanzas,
// MAC); the payload goes through Node's native cipher instead of the
// package's JavaScript one and its web-stream adapters.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { Decrypter, Encrypter, type Recipient } from 'age-encryption';

const CHUNK = 64 * 1024;
const TAG = 16;
const NONCE_BYTES = 16;
/** Far more than any header of a few recipients; a stream without one is not age. */
const MAX_HEADER_BYTES = 1 << 20;
const MAC_LINE = Buffer.from('\n--- ');

/** An age file that cannot be read: no header, or a payload that fails authentication. */
export class AgeFormatError extends Error {
  override readonly name = 'AgeFormatError';
}

/** The payload key: HKDF-SHA-256(file key, salt = nonce, info = "payload"). */
function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

/**
 * The header and payload nonce of a new file to `recipients`, and its payload
 * key. The library encrypts an empty file (header, nonce, one empty final
 * chunk) while a recipient of our own, contributing no stanza, sees the file key.
 */
async function newAgeFile(recipients: readonly string[]): Promise<{ prefix: Buffer; key: Buffer }> {
  let fileKey: Uint8Array | undefined;
  const witness: Recipient = {
    wrapFileKey(key) {
      fileKey = key;
      return [];
    },
  };
  const encrypter = new Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  encrypter.addRecipient(witness);
  const empty = await encrypter.encrypt(new Uint8Array(0));
  const prefixEnd = empty.length - TAG;
  const nonce = empty.subarray(prefixEnd - NONCE_BYTES, prefixEnd);
  return { prefix: Buffer.from(empty.subarray(0, prefixEnd)), key: payloadKey(fileKey!, nonce) };
}

/** Chunk n's 12-byte nonce: an 11-byte big-endian counter, then the last-chunk flag. */
function chunkNonce(n: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(Math.floor(n / 2 ** 32), 3);
  nonce.writeUInt32BE(n >>> 0, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function seal(key: Buffer, n: number, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce(n, last), {
    authTagLength: TAG,
  });
  const body = cipher.update(plain);
  cipher.final();
  return Buffer.concat([body, cipher.getAuthTag()]);
}

function open(key: Buffer, n: number, last: boolean, sealed: Buffer): Buffer {
  // Only a file with an empty payload has an empty final chunk.
  if (sealed.length < TAG || (last && sealed.length === TAG && n > 0))
    throw new AgeFormatError(`age payload chunk ${n} is truncated`);
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(n, last), {
    authTagLength: TAG,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG));
  try {
    decipher.final();
  } catch {
    throw new AgeFormatError(`age payload chunk ${n} failed authentication`);
  }
  return plain;
}

/**
 * Cuts a byte stream into chunks of `size`, holding the newest full one back
 * until more bytes arrive: only at the end is it known which chunk is the
 * last (age flags it, and it may be full).
 */
class Chunker {
  private readonly buffer: Buffer;
  private used = 0;
  private n = 0;

  constructor(
    private readonly size: number,
    private readonly process: (n: number, last: boolean, chunk: Buffer) => Buffer,
  ) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  add(data: Buffer, push: (out: Buffer) => void): void {
    for (let at = 0; at < data.length;) {
      if (this.used === this.size) {
        push(this.process(this.n++, false, this.buffer));
        this.used = 0;
      }
      const n = Math.min(data.length - at, this.size - this.used);
      data.copy(this.buffer, this.used, at, at + n);
      this.used += n;
      at += n;
    }
  }

  end(push: (out: Buffer) => void): void {
    push(this.process(this.n++, true, this.buffer.subarray(0, this.used)));
  }
}

/** Streams the age format (`age -d` opens it) to X25519 recipients. */
export class AgeEncryptor extends Transform {
  private chunker: Promise<Chunker>;

  constructor(recipients: readonly string[]) {
    super();
    this.chunker = newAgeFile(recipients).then(({ prefix, key }) => {
      this.push(prefix);
      return new Chunker(CHUNK, (n, last, plain) => seal(key, n, last, plain));
    });
    this.chunker.catch(() => {});
  }

  override _transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunker.then((c) => c.add(data, (out) => this.push(out))).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    this.chunker.then((c) => c.end((out) => this.push(out))).then(() => done(), done);
  }
}

/**
 * Reads an age file: the header (through the library, which checks its MAC
 * and finds the identity's stanza), then the payload natively.
 */
export class AgeDecryptor extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private chunker: Chunker | undefined;

  constructor(
    private readonly identities: readonly string[],
    private readonly mapError: (err: unknown) => unknown,
  ) {
    super();
  }

  override _transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.chunker) return this.feed(data, done);
    this.head.push(data);
    this.headBytes += data.length;
    const all = Buffer.concat(this.head);
    this.head = [all];
    const mac = all.indexOf(MAC_LINE);
    const headerEnd = mac < 0 ? -1 : all.indexOf(0x0a, mac + MAC_LINE.length);
    if (headerEnd < 0 || all.length < headerEnd + 1 + NONCE_BYTES) {
      if (this.headBytes > MAX_HEADER_BYTES)
        return done(new AgeFormatError('not an age file: no header in the first 1 MiB'));
      return done();
    }
    this.start(all, headerEnd + 1).then(
      () => this.feed(all.subarray(headerEnd + 1 + NONCE_BYTES), done),
      (err: unknown) => done(this.mapError(err) as Error),
    );
  }

  override _flush(done: TransformCallback): void {
    if (!this.chunker) return done(new AgeFormatError('the age file ends inside its header'));
    try {
      this.chunker.end((out) => this.push(out));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private async start(all: Buffer, payloadStart: number): Promise<void> {
    const decrypter = new Decrypter();
    for (const id of this.identities) decrypter.addIdentity(id);
    const fileKey = await decrypter.decryptHeader(all.subarray(0, payloadStart));
    const key = payloadKey(fileKey, all.subarray(payloadStart, payloadStart + NONCE_BYTES));
    this.head = [];
    this.chunker = new Chunker(CHUNK + TAG, (n, last, sealed) => open(key, n, last, sealed));
  }

  private feed(data: Buffer, done: TransformCallback): void {
    try {
      this.chunker!.add(data, (out) => this.push(out));
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
