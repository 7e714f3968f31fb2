import type { LazyCommand } from './command.js';

/**
 * Every `etcd-snapshot` subcommand, in help order, with its line of
 * `--help`; each module loads only when its command runs or shows its usage.
 */
export const commands: readonly LazyCommand[] = [
  {
    name: 'save',
    summary: 'stream a verified snapshot from one etcd member to storage',
    load: async () => (await import('./commands/save.js')).saveCommand,
  },
  {
    name: 'list',
    summary: 'list verified snapshots (and incomplete leftovers) in storage',
    load: async () => (await import('./commands/list.js')).listCommand,
  },
  {
    name: 'inspect',
    summary: 'what etcdutl snapshot status shows, plus keys and bytes per resource and namespace',
    load: async () => (await import('./commands/inspect.js')).inspectCommand,
  },
  {
    name: 'verify',
    summary:
      "check a snapshot's digests and bbolt structure (every page reachable and well-formed)",
    load: async () => (await import('./commands/verify.js')).verifyCommand,
  },
  {
    name: 'get',
    summary: 'download, decrypt, decompress and verify a snapshot into a .db file',
    load: async () => (await import('./commands/get.js')).getCommand,
  },
  {
    name: 'restore',
    summary: 'restore a snapshot into a live etcd (--logical)',
    load: async () => (await import('./commands/restore.js')).restoreCommand,
  },
  {
    name: 'prune',
    summary: "apply a retention policy to one backup's snapshots",
    load: async () => (await import('./commands/prune.js')).pruneCommand,
  },
  {
    name: 'operator',
    summary:
      'run the EtcdBackup and EtcdRestore controllers (leader-elected; /healthz /readyz /metrics)',
    load: async () => (await import('./commands/operator.js')).operatorCommand,
  },
  {
    name: 'agent',
    summary: "run a task inside the operator's Jobs (agent backup | delete | restore)",
    load: async () => (await import('./commands/agent.js')).agentCommand,
  },
];
