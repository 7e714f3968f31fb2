import path from 'node:path';
import { find, INSTALL_NAMESPACE, type Manifest } from './manifests.js';
import { resolveBinary } from './testbed/binaries.js';
import { BED_CONTROLLERS } from './testbed/kube.js';
import { ManagedProcess } from './testbed/managed-process.js';
import type { TestBed } from './testbed/testbed.js';

/** How deploy/'s manifests are adapted to run on the test bed (test/e2e/install.test.ts). */

const DEPLOYMENT = 'etcd-snapshot-operator';

/**
 * The bed's controller-manager runs no Deployment or ReplicaSet controller
 * (test/support/testbed/kube.ts BED_CONTROLLERS); until it does, a second
 * one runs them for the install suite.
 */
export function startAppsControllers(b: TestBed): ManagedProcess | undefined {
  const wanted = ['deployment-controller', 'replicaset-controller'];
  if (wanted.every((c) => BED_CONTROLLERS.includes(c))) return undefined;
  return new ManagedProcess({
    name: 'kube-controller-manager-apps',
    command: resolveBinary('kube-controller-manager'),
    args: [
      `--kubeconfig=${b.kubeconfigPath}`,
      `--controllers=${wanted.join(',')}`,
      '--leader-elect=false',
      '--use-service-account-credentials=false',
      '--secure-port=0',
      '--v=1',
    ],
    logFile: path.join(b.dir, 'kube', 'kube-controller-manager-apps.log'),
  });
}

interface DeploymentShape {
  spec: {
    template: {
      spec: {
        containers: Array<{ image: string; args: string[]; volumeMounts?: object[] }>;
        volumes?: object[];
      };
    };
  };
}

function operatorContainer(manifests: Manifest[]) {
  const deployment = find(manifests, 'Deployment', DEPLOYMENT) as Manifest & DeploymentShape;
  return {
    pod: deployment.spec.template.spec,
    container: deployment.spec.template.spec.containers[0]!,
  };
}

/**
 * What differs on the bed: the image the node agent runs, and no health port,
 * since every Pod shares the host's network (two replicas cannot both bind
 * 8080; the node agent runs no probes). The last test turns it on for one.
 */
export function forTheBed(manifests: Manifest[], b: TestBed): Manifest[] {
  const { container } = operatorContainer(manifests);
  container.image = b.operatorImage;
  const port = container.args.indexOf('--health-port');
  if (port < 0) throw new Error('the operator container has no --health-port argument');
  container.args[port + 1] = '0';
  return IN_CLUSTER_SHIM ? withInClusterShim(manifests, b) : manifests;
}

/**
 * client-node's in-cluster loading (loadFromDefault -> loadFromCluster) reads
 * the service-account files at their absolute container paths, while the node
 * agent puts them under the Pod's root (ETCD_SNAPSHOT_FS_ROOT), so the operator
 * falls back to http://localhost:8080 ("HTTP protocol is not allowed when
 * skipTLSVerify is not set or false"). Until src/kube/kubeconfig.ts honours the
 * root, a kubeconfig at ~/.kube/config (HOME is <root>/root) points at the same
 * projected token and CA with paths relative to the Pod's root: the operator
 * still authenticates as its ServiceAccount, with only deploy/'s RBAC.
 */
const IN_CLUSTER_SHIM = true;

function withInClusterShim(manifests: Manifest[], b: TestBed): Manifest[] {
  const sa = 'var/run/secrets/kubernetes.io/serviceaccount';
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'in-cluster',
        cluster: {
          server: `https://127.0.0.1:${b.apiServer.port}`,
          'certificate-authority': `../../${sa}/ca.crt`, // relative to ~/.kube
        },
      },
    ],
    users: [
      {
        name: 'service-account',
        // Relative to the working directory, the Pod's root; re-read like in-cluster.
        user: { 'auth-provider': { name: 'tokenFile', config: { tokenFile: `${sa}/token` } } },
      },
    ],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account' } }],
    'current-context': 'in-cluster',
  };
  const { pod, container } = operatorContainer(manifests);
  pod.volumes = [...(pod.volumes ?? []), { name: 'kube', configMap: { name: 'in-cluster-shim' } }];
  container.volumeMounts = [
    ...(container.volumeMounts ?? []),
    { name: 'kube', mountPath: '/root/.kube', readOnly: true },
  ];
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'in-cluster-shim', namespace: INSTALL_NAMESPACE },
    data: { config: JSON.stringify(kubeconfig) },
  };
  return [...manifests, configMap];
}
