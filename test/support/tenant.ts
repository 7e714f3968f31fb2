import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { GROUP, PLURALS } from '../../src/api/v1alpha1/index.js';
import { bedKubectl } from './operator.js';
import type { TestBed } from './testbed/testbed.js';

/** A user of one namespace, as a cluster admin would set one up. */
export interface Tenant {
  readonly namespace: string;
  /** system:serviceaccount:<namespace>:tenant */
  readonly user: string;
  /** Credentials of the tenant alone (a bound ServiceAccount token). */
  readonly kubeConfig: KubeConfig;
}

/**
 * Makes `namespace` (which must exist) a tenant's: Pod Security `restricted`
 * enforced, and a ServiceAccount `tenant` whose only rights are namespaced:
 * EtcdBackups and EtcdRestores, its own Secrets and ConfigMaps, and reading
 * Jobs, Pods and Events. It may not create Pods or Jobs.
 */
export async function createTenant(bed: TestBed, namespace: string): Promise<Tenant> {
  const kubectl = bedKubectl(bed);
  await kubectl(
    'label',
    'namespace',
    namespace,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/enforce-version=latest',
  );
  const core = bed.kubeConfig.makeApiClient(CoreV1Api);
  const rbac = bed.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const name = 'tenant';
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name },
      rules: [
        { apiGroups: [GROUP], resources: [PLURALS.backup, PLURALS.restore], verbs: all },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: all },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = bed.kubeConfig.getCurrentCluster()!;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status?.token }],
    contexts: [{ name, cluster: cluster.name, user: name, namespace }],
    currentContext: name,
  });
  return { namespace, user: `system:serviceaccount:${namespace}:${name}`, kubeConfig };
}
