import type { Command } from './command.js';

/** Every `etcd-snapshot` subcommand; later features register theirs here. */
export const commands: readonly Command[] = [];
