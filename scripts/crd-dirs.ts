/**
 * Where `make generate` writes the CRDs: crds/ is the source users and tests apply;
 * deploy/ and the Helm chart carry copies because kustomize refuses files outside
 * its directory and a chart ships only what is inside it.
 */
export const CRD_DIRS = ['crds', 'deploy/crds', 'helm/etcd-snapshot-operator/crds'] as const;
