import type { V1ConfigMap, V1Node, V1Pod, V1Secret } from '@kubernetes/client-node';
import {
  KubeApiError,
  type NodeAgentKube,
  type PodList,
  type TokenSpec,
} from '../../support/testbed/node-agent/kube-port.js';

type Listener = { onEvent: (type: string, pod: V1Pod) => void; onDone: (err: unknown) => void };

const key = (ns: string | undefined, name: string | undefined): string =>
  `${ns ?? 'default'}/${name ?? ''}`;
const TERMINAL = ['Succeeded', 'Failed'];

/**
 * An in-memory API server for the agent's port: resourceVersion conflicts, 404s,
 * a watch that sees every write, and the apiserver's rule that a terminal phase
 * never changes. Tests drive it like the Job controller would.
 */
export class FakeKube implements NodeAgentKube {
  readonly pods = new Map<string, V1Pod>();
  readonly secrets = new Map<string, V1Secret>();
  readonly configMaps = new Map<string, V1ConfigMap>();
  readonly statusWrites: V1Pod[] = [];
  readonly deleted: string[] = [];
  readonly tokens: TokenSpec[] = [];
  nodes: V1Node[] = [];
  leaseRenewals = 0;
  /** Status writes to fail with 409 before the next one succeeds. */
  conflictsToInject = 0;
  private rv = 1;
  private readonly listeners = new Set<Listener>();

  private bump(pod: V1Pod, type = 'MODIFIED'): V1Pod {
    pod.metadata!.resourceVersion = String(++this.rv);
    this.pods.set(key(pod.metadata?.namespace, pod.metadata?.name), pod);
    for (const l of this.listeners) l.onEvent(type, structuredClone(pod));
    return structuredClone(pod);
  }

  /** A pod as a client creates it: no node, no status. */
  create(pod: V1Pod): V1Pod {
    const uid = `uid-${pod.metadata?.name}-${this.rv}`;
    return this.bump(
      {
        ...structuredClone(pod),
        metadata: { namespace: 'default', ...pod.metadata, uid, generation: 1 },
      },
      'ADDED',
    );
  }

  get(name: string, ns = 'default'): V1Pod | undefined {
    return this.pods.get(key(ns, name));
  }

  /** What `kubectl delete` (or the Job controller) does to a pod on a node: mark it, wait for the kubelet. */
  requestDelete(name: string, graceSeconds: number, ns = 'default'): void {
    const pod = this.get(name, ns)!;
    pod.metadata!.deletionTimestamp = new Date();
    pod.metadata!.deletionGracePeriodSeconds = graceSeconds;
    this.bump(pod);
  }

  /** The object vanishes without the agent's involvement (force delete). */
  forceRemove(name: string, ns = 'default'): void {
    const pod = this.get(name, ns)!;
    this.pods.delete(key(ns, name));
    for (const l of this.listeners) l.onEvent('DELETED', structuredClone(pod));
  }

  async listPods(): Promise<PodList> {
    return {
      items: [...this.pods.values()].map((p) => structuredClone(p)),
      resourceVersion: String(this.rv),
    };
  }

  async watchPods(
    _rv: string,
    onEvent: Listener['onEvent'],
    onDone: Listener['onDone'],
  ): Promise<() => void> {
    const listener = { onEvent, onDone };
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener)) onDone(null);
    };
  }

  async readPod(namespace: string, name: string): Promise<V1Pod | undefined> {
    const pod = this.pods.get(key(namespace, name));
    return pod && structuredClone(pod);
  }

  async replacePodStatus(pod: V1Pod): Promise<V1Pod> {
    const stored = this.pods.get(key(pod.metadata?.namespace, pod.metadata?.name));
    if (!stored || stored.metadata?.uid !== pod.metadata?.uid)
      throw new KubeApiError(404, 'pod not found');
    if (
      this.conflictsToInject > 0 ||
      stored.metadata?.resourceVersion !== pod.metadata?.resourceVersion
    ) {
      this.conflictsToInject = Math.max(0, this.conflictsToInject - 1);
      throw new KubeApiError(409, 'the object has been modified');
    }
    const from = stored.status?.phase ?? '';
    if (TERMINAL.includes(from) && pod.status?.phase !== from)
      throw new KubeApiError(422, `phase ${from} is terminal`);
    stored.status = structuredClone(pod.status);
    this.statusWrites.push(structuredClone(stored));
    return this.bump(stored);
  }

  async bindPod(pod: V1Pod, nodeName: string): Promise<void> {
    const stored = this.pods.get(key(pod.metadata?.namespace, pod.metadata?.name));
    if (!stored) throw new KubeApiError(404, 'pod not found');
    if (stored.spec!.nodeName) throw new KubeApiError(409, 'already bound');
    stored.spec!.nodeName = nodeName;
    stored.status = { ...stored.status, conditions: [{ type: 'PodScheduled', status: 'True' }] };
    this.bump(stored);
  }

  async deletePod(pod: V1Pod): Promise<void> {
    const k = key(pod.metadata?.namespace, pod.metadata?.name);
    const stored = this.pods.get(k);
    if (!stored || stored.metadata?.uid !== pod.metadata?.uid) return;
    this.deleted.push(pod.metadata?.name ?? '');
    this.pods.delete(k);
    for (const l of this.listeners) l.onEvent('DELETED', structuredClone(stored));
  }

  async readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.secrets.get(key(namespace, name));
  }

  async readConfigMap(namespace: string, name: string): Promise<V1ConfigMap | undefined> {
    return this.configMaps.get(key(namespace, name));
  }

  async requestToken(pod: V1Pod, spec: TokenSpec): Promise<string> {
    this.tokens.push(spec);
    return `token:${pod.spec?.serviceAccountName || 'default'}:${spec.audience ?? ''}`;
  }

  async registerNode(node: V1Node, status: () => V1Node['status']): Promise<void> {
    this.nodes = [{ ...node, status: status() }];
  }

  async renewLease(): Promise<void> {
    this.leaseRenewals++;
  }
}
