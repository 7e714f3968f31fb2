/**
 * The rooms of src/ and which way their dependencies point (docs/architecture.md).
 * `make lint` fails on an import that breaks them, and on any import cycle.
 * Each room lists the rooms it may import; libraries are always allowed.
 */
const ROOMS = {
  api: [],
  config: ['api'],
  observability: ['api', 'config'],
  domain: ['api'],
  etcd: ['api', 'config'],
  storage: ['api', 'config'],
  kube: ['api', 'config', 'observability'],
  snapshot: ['api', 'config', 'domain', 'etcd', 'observability', 'storage'],
  controller: ['api', 'config', 'domain', 'kube', 'observability'],
  agent: ['api', 'config', 'domain', 'etcd', 'observability', 'snapshot', 'storage'],
  cli: [
    'agent',
    'api',
    'config',
    'controller',
    'domain',
    'etcd',
    'kube',
    'observability',
    'snapshot',
    'storage',
  ],
};

const roomRules = Object.entries(ROOMS).map(([room, allowed]) => ({
  name: `${room}-imports`,
  comment: `src/${room} may import only ${allowed.length ? allowed.join(', ') : 'itself'} (and libraries)`,
  severity: 'error',
  from: { path: `^src/${room}/` },
  to: { path: '^src/', pathNot: [`^src/${room}/`, ...allowed.map((r) => `^src/${r}/`)] },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'bbolt-knows-no-etcd',
      comment: 'the bbolt reader is generic: pages and buckets, nothing of etcd or snapshots',
      severity: 'error',
      from: { path: '^src/snapshot/bbolt/' },
      to: { path: '^src/', pathNot: '^src/snapshot/bbolt/' },
    },
    {
      name: 'no-circular',
      comment: 'a cycle means two modules are one concept, or one points the wrong way',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-main-import',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
