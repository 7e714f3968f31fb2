/**
 * The rooms of src/ and which way their dependencies point (docs/architecture.md).
 * `make lint` fails on an import that breaks them, and on any import cycle.
 * Each room lists the rooms it may import; libraries are always allowed.
 */
const ROOMS = {
  api: [],
  bbolt: ['api'],
  config: ['api'],
  observability: ['api', 'config'],
  domain: ['api'],
  etcd: ['api', 'config'],
  storage: ['api', 'config'],
  kube: ['api', 'config', 'observability'],
  snapshot: ['api', 'bbolt', 'config', 'domain', 'etcd', 'observability', 'storage'],
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

/** Inside src/snapshot: the pipeline uses the catalog and inspection, never the other way. */
const SNAPSHOT_PARTS = {
  catalog: [],
  inspect: [],
  pipeline: ['catalog', 'inspect'],
  restore: ['inspect'],
};

const snapshotRules = Object.entries(SNAPSHOT_PARTS).map(([part, allowed]) => ({
  name: `snapshot-${part}-imports`,
  severity: 'error',
  from: { path: `^src/snapshot/${part}/` },
  to: {
    path: '^src/snapshot/',
    pathNot: [`^src/snapshot/${part}/`, ...allowed.map((p) => `^src/snapshot/${p}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    ...snapshotRules,
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
