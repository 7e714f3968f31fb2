import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { resolveContainerPath } from '../config/fs-root.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A kubeconfig file when given, else the default chain ($KUBECONFIG,
 * ~/.kube/config, in-cluster). In a Pod, the service account's files are
 * read under ETCD_SNAPSHOT_FS_ROOT when set (the test bed's node agent runs
 * containers as local processes with their files under such a root).
 */
export function loadKubeConfig(file?: string, env: Env = {}): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else if (inPod(env)) kc.loadFromCluster(env.ETCD_SNAPSHOT_FS_ROOT ?? '');
  else kc.loadFromDefault();
  return kc;
}

function inPod(env: Env): boolean {
  return (
    !env.KUBECONFIG &&
    Boolean(env.KUBERNETES_SERVICE_HOST) &&
    existsSync(resolveContainerPath(SERVICE_ACCOUNT_TOKEN, env))
  );
}
