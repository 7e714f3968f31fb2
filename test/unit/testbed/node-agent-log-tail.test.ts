import { tailOf } from '../../support/testbed/node-agent/log-server.js';

const text = Buffer.from('one\ntwo\nthree\n');

it.each([
  ['every line when no limit is given', undefined, undefined, 'one\ntwo\nthree\n'],
  ['the last two lines, the trailing newline not counted as a line', 2, undefined, 'two\nthree\n'],
  ['all lines when asked for more than there are', 10, undefined, 'one\ntwo\nthree\n'],
  ['then at most limitBytes from the end', 2, 4, 'ree\n'],
])('tailOf: %s', (_name, lines, limitBytes, expected) => {
  expect(tailOf(text, lines, limitBytes).toString()).toBe(expected);
});
