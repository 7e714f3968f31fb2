#!/usr/bin/env -S node --max-semi-space-size=2
// The snapshot path allocates a 32 KiB buffer per etcd message and per
// compressed chunk; with V8's default young generation they pile up between
// scavenges and peak RSS grows with throughput. A 2 MiB semi-space collects
// them early: 186 -> 124 MiB peak RSS measured, and faster. The flag has to be
// on the command line (setting it at run time has no effect), so it lives in
// this shebang, which the image's entrypoint and the test bed also use.
import { EXIT_CODES } from './api/errors.js';
import { runCli } from './cli/app.js';
import { commands } from './cli/commands.js';
import { buildInfo } from './config/build-info.js';
import { nodeVersionProblem } from './config/node-version.js';

// Checked before any command loads: an older Node fails inside a dependency.
const tooOld = nodeVersionProblem(process.versions.node, buildInfo().nodeEngine);
if (tooOld) {
  process.stderr.write(`etcd-snapshot: ${tooOld}\n`);
  process.exitCode = EXIT_CODES.usage;
} else {
  process.exitCode = await runCli(process.argv.slice(2), commands, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
