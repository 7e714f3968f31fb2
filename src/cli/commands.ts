import type { Command } from './command.js';
import { getCommand } from './commands/get.js';
import { listCommand } from './commands/list.js';
import { pruneCommand } from './commands/prune.js';
import { saveCommand } from './commands/save.js';

/** Every `etcd-snapshot` subcommand, in help order. */
export const commands: readonly Command[] = [saveCommand, listCommand, getCommand, pruneCommand];
