import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeVersionProblem } from '../../src/config/node-version.js';
import { repoRoot } from '../support/testbed/binaries.js';

// The machines this project is built on have an older system Node (20) besides
// the Node 24 the project runs on: the real product, started by a real old Node.
const SYSTEM_NODE = '/usr/bin/node';
const engines = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;
const systemVersion = existsSync(SYSTEM_NODE)
  ? spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
  : '';
const old = systemVersion !== '' && nodeVersionProblem(systemVersion, engines) !== undefined;

describe(`etcd-snapshot on an older Node.js (${SYSTEM_NODE} ${systemVersion || 'absent'})`, () => {
  (old ? it : it.skip).each(['save --help', 'inspect /nonexistent.db', '--help'])(
    '%s: one line naming the versions and the fix, exit 2, no stack trace',
    (command) => {
      const args = command.split(' ');
      const r = spawnSync(SYSTEM_NODE, [path.join(repoRoot, 'dist', 'main.js'), ...args], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`etcd-snapshot: ${nodeVersionProblem(systemVersion, engines)!}\n`);
      expect(r.stderr).toContain(`v${systemVersion}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
