// How the Kubernetes API server lays out its etcd keys, reduced to a sound
// heuristic (k8s.io/apiserver storage_factory.go ResourcePrefix and
// kubeapiserver SpecialDefaultResourcePrefixes):
//  - built-in resources use the lower-case resource name with NO group, even
//    for named groups: /registry/pods/<ns>/<name>, /registry/deployments/<ns>/<name>;
//  - a few built-ins have historic prefixes (table below), two of them two
//    segments deep: /registry/services/specs/<ns>/<name>;
//  - CRDs and aggregated/extension objects use <group>/<resource>, and a CRD
//    group must contain a dot, so a first segment with a dot is a group:
//    /registry/etcdsnapshot.dev/etcdbackups/<ns>/<name>;
//  - after the resource prefix, <ns>/<name> is namespaced, <name> is cluster-scoped.
// The prefix itself (`--etcd-prefix`) is configurable, hence a parameter.

export const DEFAULT_REGISTRY_PREFIX = '/registry';

/** Storage prefixes that differ from the resource name. */
const SPECIAL_PREFIXES: Readonly<Record<string, string>> = {
  controllers: 'replicationcontrollers',
  minions: 'nodes',
  'services/specs': 'services',
  'services/endpoints': 'endpoints',
  ingress: 'ingresses',
};

/** First segments whose prefix is two segments deep (IP/port allocators included). */
const TWO_SEGMENT_PREFIXES = new Set(['services', 'ranges']);

export interface K8sKey {
  /** The storage prefix under the registry prefix, e.g. `services/specs` or `example.com/widgets`. */
  readonly prefix: string;
  readonly resource: string;
  /** The API group when the key names it (CRDs, aggregated APIs), else ''. */
  readonly group: string;
  /** The namespace for `<prefix>/<ns>/<name>` keys, else null. */
  readonly namespace: string | null;
}

/** Classifies a key, or returns null for keys outside the registry prefix. */
export function classifyKey(
  key: string,
  registryPrefix: string = DEFAULT_REGISTRY_PREFIX,
): K8sKey | null {
  const root = registryPrefix.endsWith('/') ? registryPrefix : `${registryPrefix}/`;
  if (!key.startsWith(root) || key.length === root.length) return null;
  const segments = key.slice(root.length).split('/');
  const first = segments[0]!;
  let depth = 1;
  let group = '';
  if (first.includes('.') && segments.length > 1) {
    group = first;
    depth = 2;
  } else if (TWO_SEGMENT_PREFIXES.has(first) && segments.length > 1) {
    depth = 2;
  }
  const prefix = segments.slice(0, depth).join('/');
  const rest = segments.length - depth;
  const resource = SPECIAL_PREFIXES[prefix] ?? segments[depth - 1]!;
  const namespace = rest === 2 && segments[depth] !== '' ? segments[depth]! : null;
  return { prefix, resource, group, namespace };
}
