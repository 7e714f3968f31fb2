import type { V1ConfigMap, V1Node, V1NodeStatus, V1Pod, V1Secret } from '@kubernetes/client-node';

/** An API error reduced to what the agent branches on. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export const isStatus = (err: unknown, status: number): boolean =>
  err instanceof KubeApiError && err.status === status;

export interface TokenSpec {
  readonly audience?: string;
  readonly expirationSeconds: number;
}

export interface PodList {
  readonly items: readonly V1Pod[];
  readonly resourceVersion: string;
}

/** Ends a watch; safe to call more than once. */
export type StopWatch = () => void;

/**
 * The calls the node agent makes, and nothing more, so the agent can run against
 * a fake in unit tests. Reads return undefined for NotFound; writes throw
 * KubeApiError (409 Conflict and 404 NotFound are the ones callers handle).
 */
export interface NodeAgentKube {
  listPods(): Promise<PodList>;
  watchPods(
    resourceVersion: string,
    onEvent: (type: string, pod: V1Pod) => void,
    onDone: (err: unknown) => void,
  ): Promise<StopWatch>;
  readPod(namespace: string, name: string): Promise<V1Pod | undefined>;
  replacePodStatus(pod: V1Pod): Promise<V1Pod>;
  bindPod(pod: V1Pod, nodeName: string): Promise<void>;
  /** gracePeriodSeconds 0 with a uid precondition: the kubelet's final delete. */
  deletePod(pod: V1Pod): Promise<void>;
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  readConfigMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  requestToken(pod: V1Pod, spec: TokenSpec): Promise<string>;
  /** Creates the Node when missing, then replaces its status. */
  registerNode(node: V1Node, status: () => V1NodeStatus): Promise<void>;
  /** Creates or renews the node's Lease in kube-node-lease. */
  renewLease(nodeName: string, durationSeconds: number, now: Date): Promise<void>;
}
