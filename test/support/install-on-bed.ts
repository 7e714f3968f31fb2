import path from 'node:path';
import { find, type Manifest } from './manifests.js';
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
  return manifests;
}
