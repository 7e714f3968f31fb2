import type { RestClient } from './rest-client.js';

export interface LogTailOptions {
  /** The last lines only (the kubelet's tailLines). */
  readonly lines: number;
  /** At most this many bytes (the kubelet's limitBytes). */
  readonly limitBytes: number;
}

/** The end of a running container's log, as `kubectl logs --tail` reads it. */
export interface PodLogPort {
  tail(namespace: string, pod: string, container: string, options: LogTailOptions): Promise<string>;
}

export class RestPodLogs implements PodLogPort {
  constructor(private readonly rest: RestClient) {}

  tail(
    namespace: string,
    pod: string,
    container: string,
    options: LogTailOptions,
  ): Promise<string> {
    const ns = encodeURIComponent(namespace);
    return this.rest.text({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod)}/log`,
      query: { container, tailLines: options.lines, limitBytes: options.limitBytes },
      what: `read the log of Pod ${namespace}/${pod}`,
    });
  }
}
