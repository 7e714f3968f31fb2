import { randomBytes } from 'node:crypto';
import type { Duplex, Transform } from 'node:stream';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import {
  COMPRESSIONS,
  createCompressor,
  createDecompressor,
  parseCompression,
} from '../../../../src/snapshot/pipeline/compression.js';
import {
  EncryptionError,
  createDecryptor,
  createEncryptor,
  parseIdentities,
  parseRecipients,
} from '../../../../src/snapshot/pipeline/encryption.js';
import { pipeThrough } from '../../../support/streams.js';

const through = (data: Buffer, ...stages: Array<Transform | Duplex>): Promise<Buffer> =>
  pipeThrough([data.subarray(0, 100_000), data.subarray(100_000)], ...stages);

// Compressible like etcd pages: repeated structure with some noise.
const data = Buffer.concat(
  Array.from({ length: 64 }, () => Buffer.concat([Buffer.alloc(3000, 'k8s'), randomBytes(100)])),
);

describe('compression', () => {
  it.each(COMPRESSIONS)('%s round-trips', async (kind) => {
    const packed = await through(data, createCompressor(kind));
    if (kind !== 'none') expect(packed.length).toBeLessThan(data.length / 4);
    expect((await through(packed, createDecompressor(kind))).equals(data)).toBe(true);
  });

  it('rejects an unknown compression, listing the valid ones', () => {
    expect(() => parseCompression('lz4')).toThrow(
      "unknown compression 'lz4': use one of zstd, gzip, none",
    );
  });
});

describe('age encryption', () => {
  it('round-trips to several recipients; either identity decrypts', async () => {
    const [a, b] = [await generateIdentity(), await generateIdentity()];
    const recipients = [await identityToRecipient(a), await identityToRecipient(b)];
    const sealed = await through(data, createEncryptor(recipients));
    expect(sealed.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(sealed.includes(data.subarray(0, 64))).toBe(false);
    expect((await through(sealed, createDecryptor([b]))).equals(data)).toBe(true);
  });

  it('fails with NoMatchingIdentity for a foreign identity', async () => {
    const sealed = await through(
      data,
      createEncryptor([await identityToRecipient(await generateIdentity())]),
    );
    await expect(
      through(sealed, createDecryptor([await generateIdentity()])),
    ).rejects.toMatchObject({
      code: 'NoMatchingIdentity',
    });
  });

  it('parses recipient lists and rejects malformed ones without echoing them', async () => {
    const r = await identityToRecipient(await generateIdentity());
    expect(parseRecipients(`# team\n${r}\n\n`)).toEqual([r]);
    expect(() => parseRecipients('age1short')).toThrow(EncryptionError);
    expect(() => parseRecipients('age1short')).not.toThrow(/age1short/);
  });

  it('parses identity files and never echoes a secret key in errors', async () => {
    const id = await generateIdentity();
    expect(parseIdentities(`# created: now\n# public key: x\n${id}\n`)).toEqual([id]);
    const bad = 'AGE-SECRET-KEX-1SECRETSECRET';
    expect(() => parseIdentities(bad)).toThrow(/line 1/);
    expect(() => parseIdentities(bad)).not.toThrow(/SECRETSECRET/);
    expect(() => parseIdentities('# only comments')).toThrow(/no identity/);
  });
});
