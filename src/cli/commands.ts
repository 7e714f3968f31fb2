import type { LazyCommand } from './command.js';

/** Every `etcd-snapshot` subcommand, in help order; each module loads when its command runs. */
export const commands: readonly LazyCommand[] = [
  { name: 'save', load: async () => (await import('./commands/save.js')).saveCommand },
  { name: 'list', load: async () => (await import('./commands/list.js')).listCommand },
  { name: 'inspect', load: async () => (await import('./commands/inspect.js')).inspectCommand },
  { name: 'verify', load: async () => (await import('./commands/verify.js')).verifyCommand },
  { name: 'get', load: async () => (await import('./commands/get.js')).getCommand },
  { name: 'restore', load: async () => (await import('./commands/restore.js')).restoreCommand },
  { name: 'prune', load: async () => (await import('./commands/prune.js')).pruneCommand },
  { name: 'operator', load: async () => (await import('./commands/operator.js')).operatorCommand },
  { name: 'agent', load: async () => (await import('./commands/agent.js')).agentCommand },
];
