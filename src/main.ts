#!/usr/bin/env node
import { runCli } from './cli/app.js';
import { commands } from './cli/commands.js';

const code = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
