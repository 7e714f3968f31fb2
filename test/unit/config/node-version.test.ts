import { readFileSync } from 'node:fs';
import { nodeVersionProblem } from '../../../src/config/node-version.js';

describe('nodeVersionProblem', () => {
  it.each([
    ['20.20.2', '>=22.19.0'],
    ['22.18.9', '>=22.19.0'],
    ['v22.19.0-pre', '>=22.20.0'],
  ])('refuses %s under %s, naming both versions and the fix', (current, required) => {
    const problem = nodeVersionProblem(current, required);
    expect(problem).toContain(`v${current.replace(/^v/, '')}`);
    expect(problem).toContain(required);
    expect(problem).toMatch(/install it/);
  });

  it.each([
    ['22.19.0', '>=22.19.0'],
    ['22.20.1', '>=22.19.0'],
    ['24.0.0', '>=22.19.0'],
    ['24.21.0', '>= 22.19.0'],
  ])('accepts %s under %s', (current, required) => {
    expect(nodeVersionProblem(current, required)).toBeUndefined();
  });

  it('accepts any version when the range is not a plain minimum', () => {
    expect(nodeVersionProblem('18.0.0', '^22 || ^24')).toBeUndefined();
  });

  it("accepts the Node.js this test runs on under the package's own engines field", () => {
    const { engines } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      engines: { node: string };
    };
    expect(engines.node).toMatch(/^>=\d+\.\d+\.\d+$/);
    expect(nodeVersionProblem(process.versions.node, engines.node)).toBeUndefined();
  });
});
