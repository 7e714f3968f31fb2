import { parseDuration } from '../../../src/domain/duration.js';
import { parseByteQuantity } from '../../../src/domain/quantity.js';
import {
  BYTE_QUANTITY_PATTERN,
  DURATION_PATTERN,
  SCHEDULE_PATTERN,
} from '../../../src/api/v1alpha1/index.js';

/** The apiserver checks these patterns with Go's RE2; they use nothing JS and RE2 read differently. */
const accepts = (pattern: string, text: string) => new RegExp(pattern).test(text);
const parses = (parse: (s: string) => number, text: string) => {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('DURATION_PATTERN agrees with parseDuration', () => {
  it.each([
    '0',
    '90s',
    '15m',
    '2h30m',
    '7d',
    '4w',
    '1w2d3h4m5s6ms',
    '1.5h',
    '500ms',
    '1m30s',
    '.5s',
  ])('accepts %s', (text) => {
    expect(accepts(DURATION_PATTERN, text)).toBe(true);
    expect(parses(parseDuration, text)).toBe(true);
  });
  // '' passes the pattern and is refused by minLength: 1 in the schema.
  it.each(['30m2h', '1h1h', '-1s', '10', 'h', '1 h', '1y', '1hour', '+5m'])(
    'refuses %s',
    (text) => {
      expect(accepts(DURATION_PATTERN, text)).toBe(false);
      expect(parses(parseDuration, text)).toBe(false);
    },
  );
});

describe('BYTE_QUANTITY_PATTERN agrees with parseByteQuantity', () => {
  it.each(['1', '1000', '500Mi', '10Gi', '1.5G', '1e9', '1T', '+5Ki', '.5Gi'])(
    'accepts %s',
    (text) => {
      expect(accepts(BYTE_QUANTITY_PATTERN, text)).toBe(true);
      expect(parses(parseByteQuantity, text)).toBe(true);
    },
  );
  it.each(['500m', '-1Gi', '1K', '1GB', '1GiB', '10 Gi', 'Gi', '1u'])('refuses %s', (text) => {
    expect(accepts(BYTE_QUANTITY_PATTERN, text)).toBe(false);
    expect(parses(parseByteQuantity, text)).toBe(false);
  });
});

describe('SCHEDULE_PATTERN is a light check', () => {
  it.each(['*/5 * * * *', '0 2 * * 1-5', '@daily', '@every-typo-is-not-a-macro x y z w'])(
    'accepts %s',
    (text) => {
      expect(accepts(SCHEDULE_PATTERN, text)).toBe(true);
    },
  );
  it.each(['', ' ', '* * * *', '@every 5m', '@reboot', ' 0 * * * *'])('refuses %p', (text) => {
    expect(accepts(SCHEDULE_PATTERN, text)).toBe(false);
  });
});
