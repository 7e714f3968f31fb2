import type { KubeConfig, V1ConfigMap, V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import { KubeEventRecorder, type EventRecorder, type EventRecorderOptions } from './events.js';
import { RestLeases, type LeasePort } from './leases.js';
import { RestListWatch, type ListWatchSource, type RestListWatchOptions } from './list-watch.js';
import { RestPodLogs, type PodLogPort } from './pod-logs.js';
import { RestResourceClient, type KubeObject, type ResourceClient } from './resource-client.js';
import { CONFIG_MAPS, JOBS, PODS, SECRETS, type ResourceType } from './resources.js';
import { RestClient } from './rest-client.js';

/** Custom resources: everything, including the status subresource. */
export type CustomResourcePort<T extends KubeObject> = ResourceClient<T>;
export type JobPort = Pick<ResourceClient<V1Job>, 'get' | 'list' | 'create' | 'delete'>;
export type PodPort = Pick<ResourceClient<V1Pod>, 'get' | 'list'>;
export type SecretReader = Pick<ResourceClient<V1Secret>, 'get'>;
export type ConfigMapReader = Pick<ResourceClient<V1ConfigMap>, 'get'>;

/** The adapters a composition root hands to controllers, all over one kubeconfig. */
export interface KubePorts {
  readonly jobs: JobPort;
  readonly pods: PodPort;
  readonly podLogs: PodLogPort;
  readonly secrets: SecretReader;
  readonly configMaps: ConfigMapReader;
  readonly leases: LeasePort;
  customResource<T extends KubeObject>(type: ResourceType): CustomResourcePort<T>;
  listWatch<T extends KubeObject>(
    type: ResourceType,
    options?: RestListWatchOptions,
  ): ListWatchSource<T>;
  eventRecorder(options: EventRecorderOptions): EventRecorder;
}

export function createKubePorts(kubeConfig: KubeConfig): KubePorts {
  const rest = new RestClient(kubeConfig);
  return {
    jobs: new RestResourceClient<V1Job>(rest, JOBS),
    pods: new RestResourceClient<V1Pod>(rest, PODS),
    podLogs: new RestPodLogs(rest),
    secrets: new RestResourceClient<V1Secret>(rest, SECRETS),
    configMaps: new RestResourceClient<V1ConfigMap>(rest, CONFIG_MAPS),
    leases: new RestLeases(rest),
    customResource: <T extends KubeObject>(type: ResourceType) =>
      new RestResourceClient<T>(rest, type),
    listWatch: <T extends KubeObject>(type: ResourceType, options?: RestListWatchOptions) =>
      new RestListWatch<T>(rest, type, options),
    eventRecorder: (options) => new KubeEventRecorder(rest, options),
  };
}
