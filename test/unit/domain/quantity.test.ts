import {
  formatByteQuantity,
  formatBytes,
  InvalidQuantityError,
  parseByteQuantity,
} from '../../../src/domain/quantity.js';
import { mulberry32, randomInt } from '../../support/prng.js';

const Ki = 1024;
const Mi = Ki * 1024;
const Gi = Mi * 1024;

describe('parseByteQuantity', () => {
  it.each<[string, number]>([
    ['1000', 1000],
    ['0', 0],
    ['500Mi', 500 * Mi],
    ['10Gi', 10 * Gi],
    ['1.5Gi', 1.5 * Gi],
    ['1Ki', Ki],
    ['2Ti', 2 * 1024 * Gi],
    ['1Pi', 1024 * 1024 * Gi],
    ['1k', 1000],
    ['1.5G', 1_500_000_000],
    ['1.1G', 1_100_000_000],
    ['1T', 1e12],
    ['8P', 8e15],
    ['1e9', 1e9],
    ['1E3', 1000],
    ['12e-1', 2],
    ['+5M', 5e6],
    ['.5Ki', 512],
    ['1.', 1],
    ['0.1', 1],
    ['1.0001Ki', 1025],
  ])('%s', (text, expected) => {
    expect(parseByteQuantity(text)).toBe(expected);
  });

  it.each<[string, string, RegExp]>([
    ['empty', '', /it is empty/],
    ['negative', '-1Gi', /cannot be negative/],
    ['milli', '500m', /fraction \(milli, micro, nano\)/],
    ['upper-case K', '10K', /use k \(1000\) or Ki \(1024\)/],
    ['MB', '10MB', /use M or Mi/],
    ['KB', '10KB', /use k or Ki/],
    ['GiB', '10GiB', /drop the B: Gi/],
    ['space', '10 Gi', /remove the space/],
    ['unknown suffix', '10Xi', /unknown suffix "Xi"/],
    ['lower-case ki', '1ki', /unknown suffix "ki"/],
    ['bytes suffix', '10B', /plain number/],
    ['no number', 'Gi', /does not start with a number/],
    ['exa overflows', '8Ei', /larger than 8 PiB/],
    ['huge exponent', '1e400', /larger than 8 PiB/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseByteQuantity(text)).toThrow(InvalidQuantityError);
    expect(() => parseByteQuantity(text)).toThrow(message);
    expect(() => parseByteQuantity(text)).toThrow(/e\.g\. 500Mi, 10Gi, 1\.5G or 1000/);
  });

  it('carries a stable code', () => {
    expect(() => parseByteQuantity('x')).toThrow(
      expect.objectContaining({ code: 'InvalidQuantity' }),
    );
  });
});

describe('formatBytes', () => {
  it.each<[number, string]>([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1.5 * Gi, '1.5 GiB'],
    [8 * Gi, '8 GiB'],
    [Mi - 1, '1 MiB'],
    [1.25 * Gi, '1.3 GiB'],
    [Number.MAX_SAFE_INTEGER, '8 PiB'],
  ])('%d -> %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });

  it.each([-1, 0.5, Number.NaN])('rejects %d', (bytes) => {
    expect(() => formatBytes(bytes)).toThrow(RangeError);
  });
});

describe('formatByteQuantity', () => {
  it.each<[number, string]>([
    [0, '0'],
    [1000, '1000'],
    [10 * Gi, '10Gi'],
    [1.5 * Gi, '1536Mi'],
    [Ki + 1, '1025'],
  ])('%d -> %s', (bytes, expected) => {
    expect(formatByteQuantity(bytes)).toBe(expected);
  });

  it('is read back by parseByteQuantity (property, seeded)', () => {
    const random = mulberry32(1024);
    for (let i = 0; i < 1000; i += 1) {
      const bytes = randomInt(random, 2 ** randomInt(random, 40)) * 2 ** randomInt(random, 13);
      expect(parseByteQuantity(formatByteQuantity(bytes))).toBe(bytes);
    }
  });
});
