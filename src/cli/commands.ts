import type { Command } from './command.js';
import { agentCommand } from './commands/agent.js';
import { getCommand } from './commands/get.js';
import { inspectCommand } from './commands/inspect.js';
import { listCommand } from './commands/list.js';
import { operatorCommand } from './commands/operator.js';
import { pruneCommand } from './commands/prune.js';
import { restoreCommand } from './commands/restore.js';
import { saveCommand } from './commands/save.js';
import { verifyCommand } from './commands/verify.js';

/** Every `etcd-snapshot` subcommand, in help order. */
export const commands: readonly Command[] = [
  saveCommand,
  listCommand,
  inspectCommand,
  verifyCommand,
  getCommand,
  restoreCommand,
  pruneCommand,
  operatorCommand,
  agentCommand,
];
