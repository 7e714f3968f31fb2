/** Where a kind of object lives in the API, and how client-node models it. */
export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** client-node model (e.g. 'V1Job') to (de)serialise with; absent keeps plain JSON. */
  readonly model?: string;
}

export const ETCD_SNAPSHOT_GROUP = 'etcdsnapshot.dev';

export const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
  model: 'V1ConfigMap',
};
export const SECRETS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
  model: 'V1Secret',
};
export const PODS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
  model: 'V1Pod',
};
export const JOBS: ResourceType = {
  group: 'batch',
  version: 'v1',
  plural: 'jobs',
  kind: 'Job',
  namespaced: true,
  model: 'V1Job',
};
/** Plain JSON: lease times are MicroTime strings, which the leader elector formats itself. */
export const LEASES: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
};
/** Plain JSON for the same reason (eventTime is a MicroTime). */
export const EVENTS: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
};
export const ETCD_BACKUPS: ResourceType = {
  group: ETCD_SNAPSHOT_GROUP,
  version: 'v1alpha1',
  plural: 'etcdbackups',
  kind: 'EtcdBackup',
  namespaced: true,
};
export const ETCD_RESTORES: ResourceType = {
  group: ETCD_SNAPSHOT_GROUP,
  version: 'v1alpha1',
  plural: 'etcdrestores',
  kind: 'EtcdRestore',
  namespaced: true,
};

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `/api/v1/namespaces/ns/pods`, or across namespaces when `namespace` is undefined. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const prefix = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns =
    type.namespaced && namespace !== undefined
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : '';
  return `${prefix}${ns}/${type.plural}`;
}

export function objectPath(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  subresource?: 'status',
): string {
  const base = `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}
