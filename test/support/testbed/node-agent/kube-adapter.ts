import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  V1MicroTime,
  Watch,
  type KubeConfig,
  type V1Lease,
  type V1Node,
  type V1NodeStatus,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  KubeApiError,
  isStatus,
  type NodeAgentKube,
  type StopWatch,
  type TokenSpec,
} from './kube-port.js';

/** ApiException carries the Status as a JSON string; its `message` is the useful part. */
function translate(err: unknown): unknown {
  if (!(err instanceof ApiException)) return err;
  let message = `HTTP ${err.code}`;
  try {
    const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    if (body && typeof body === 'object' && 'message' in body) message = String(body.message);
  } catch {
    // Not JSON: keep the status code alone.
  }
  return new KubeApiError(err.code, message);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translate(err);
  }
}

async function orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(fn);
  } catch (err) {
    if (isStatus(err, 404)) return undefined;
    throw err;
  }
}

async function ignoring(statuses: number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await call(fn);
  } catch (err) {
    if (!statuses.some((s) => isStatus(err, s))) throw err;
  }
}

const meta = (pod: V1Pod): { namespace: string; name: string } => ({
  namespace: pod.metadata?.namespace ?? 'default',
  name: pod.metadata?.name ?? '',
});

/** The NodeAgentKube port over @kubernetes/client-node with admin credentials. */
export function clientNodeKube(kc: KubeConfig): NodeAgentKube {
  const core = kc.makeApiClient(CoreV1Api);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const watch = new Watch(kc);
  return {
    listPods: async () => {
      const list = await call(() => core.listPodForAllNamespaces());
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
    },
    watchPods: async (resourceVersion, onEvent, onDone): Promise<StopWatch> => {
      const query = { resourceVersion, allowWatchBookmarks: true };
      const controller = await watch.watch('/api/v1/pods', query, onEvent, onDone);
      return () => controller.abort();
    },
    readPod: (namespace, name) => orUndefined(() => core.readNamespacedPod({ namespace, name })),
    replacePodStatus: (pod) =>
      call(() => core.replaceNamespacedPodStatus({ ...meta(pod), body: pod })),
    bindPod: (pod, nodeName) =>
      ignoring([409], () => core.createNamespacedPodBinding(binding(pod, nodeName))),
    deletePod: (pod) => ignoring([404, 409], () => core.deleteNamespacedPod(finalDelete(pod))),
    readSecret: (namespace, name) =>
      orUndefined(() => core.readNamespacedSecret({ namespace, name })),
    readConfigMap: (namespace, name) =>
      orUndefined(() => core.readNamespacedConfigMap({ namespace, name })),
    requestToken: (pod, spec) => requestToken(core, pod, spec),
    registerNode: (node, status) => registerNode(core, node, status),
    renewLease: (nodeName, durationSeconds, now) =>
      renewLease(coordination, nodeName, durationSeconds, now),
  };
}

/** 409 means the pod is bound already (or was replaced): nothing to do. */
function binding(pod: V1Pod, nodeName: string) {
  return {
    ...meta(pod),
    body: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { ...meta(pod), uid: pod.metadata?.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    },
  };
}

/** The kubelet's last word on a pod: grace 0, and only this pod (uid), not a successor of the same name. */
function finalDelete(pod: V1Pod) {
  return {
    ...meta(pod),
    gracePeriodSeconds: 0,
    body: { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } },
  };
}

async function requestToken(core: CoreV1Api, pod: V1Pod, spec: TokenSpec): Promise<string> {
  const { namespace, name } = meta(pod);
  const result = await call(() =>
    core.createNamespacedServiceAccountToken({
      namespace,
      name: pod.spec?.serviceAccountName || 'default',
      body: {
        spec: {
          audiences: spec.audience ? [spec.audience] : [],
          expirationSeconds: spec.expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid: pod.metadata?.uid },
        },
      },
    }),
  );
  return result.status?.token ?? '';
}

async function registerNode(
  core: CoreV1Api,
  node: V1Node,
  status: () => V1NodeStatus,
): Promise<void> {
  await ignoring([409], () => core.createNode({ body: node }));
  const name = node.metadata?.name ?? '';
  for (let attempt = 0; ; attempt++) {
    const current = await call(() => core.readNode({ name }));
    try {
      await call(() => core.replaceNodeStatus({ name, body: { ...current, status: status() } }));
      return;
    } catch (err) {
      if (!isStatus(err, 409) || attempt >= 5) throw err;
    }
  }
}

async function renewLease(
  api: CoordinationV1Api,
  nodeName: string,
  durationSeconds: number,
  now: Date,
): Promise<void> {
  const namespace = 'kube-node-lease';
  const spec = {
    holderIdentity: nodeName,
    leaseDurationSeconds: durationSeconds,
    renewTime: new V1MicroTime(now.getTime()),
  };
  const current = await orUndefined(() => api.readNamespacedLease({ namespace, name: nodeName }));
  if (!current) {
    const body: V1Lease = { metadata: { name: nodeName, namespace }, spec };
    await ignoring([409], () => api.createNamespacedLease({ namespace, body }));
    return;
  }
  await call(() =>
    api.replaceNamespacedLease({
      namespace,
      name: nodeName,
      body: { ...current, spec: { ...current.spec, ...spec } },
    }),
  );
}
