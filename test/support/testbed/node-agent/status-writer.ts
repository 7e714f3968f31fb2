import type { V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { isStatus, type NodeAgentKube } from './kube-port.js';
import type { Log } from './log.js';
import { isOlder } from './resource-version.js';
import { Sleeper } from './sleeper.js';

/** Renders the status to write onto the latest pod object; undefined skips the write. */
export type RenderStatus = (current: V1Pod) => V1PodStatus | undefined;

const MAX_CONFLICTS = 10;

/**
 * Replaces the pod's status, re-reading and re-rendering on 409 Conflict.
 * Resolves with the written pod, or undefined once the pod is gone (404, or a
 * new pod under the same name).
 */
export async function replaceStatus(
  kube: NodeAgentKube,
  pod: V1Pod,
  render: RenderStatus,
): Promise<V1Pod | undefined> {
  let current = pod;
  for (let conflicts = 0; ; conflicts++) {
    const status = render(current);
    if (!status) return current;
    try {
      return await kube.replacePodStatus({ ...current, status });
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      if (!isStatus(err, 409) || conflicts >= MAX_CONFLICTS) throw err;
    }
    const fresh = await kube.readPod(
      current.metadata?.namespace ?? '',
      current.metadata?.name ?? '',
    );
    if (!fresh || fresh.metadata?.uid !== pod.metadata?.uid) return undefined;
    current = fresh;
  }
}

/**
 * Coalesces a worker's status updates: any number of `request()`s while a write
 * is in flight become one more write of the then-current state, so the API sees
 * every settled transition without a write per intermediate step.
 */
export class StatusReporter {
  private base: V1Pod;
  private dirty = false;
  private disabled = false;
  private draining = false;
  private running: Promise<void> = Promise.resolve();
  private readonly sleeper = new Sleeper();

  constructor(
    pod: V1Pod,
    private readonly kube: NodeAgentKube,
    private readonly render: RenderStatus,
    private readonly onGone: () => void,
    private readonly log: Log,
  ) {
    this.base = pod;
  }

  /** A newer pod object (from the watch) to write onto. */
  setBase(pod: V1Pod): void {
    if (!isOlder(pod.metadata?.resourceVersion, this.base.metadata?.resourceVersion))
      this.base = pod;
  }

  request(): void {
    if (this.disabled) return;
    this.dirty = true;
    if (this.draining) return;
    this.draining = true;
    this.running = this.drain();
  }

  /** Resolves once everything requested so far is written (or writing was disabled). */
  async flush(): Promise<void> {
    while (this.draining) await this.running;
  }

  /** No more writes: the pod is gone or the agent is stopping. */
  disable(): void {
    this.disabled = true;
    this.sleeper.wakeAll();
  }

  private async drain(): Promise<void> {
    // Always asynchronous, so `running` is assigned before `draining` can clear;
    // and no await between the loop's last check and clearing it, so no request is lost.
    await Promise.resolve();
    try {
      while (this.dirty && !this.disabled) {
        this.dirty = false;
        await this.writeOnce();
      }
    } finally {
      this.draining = false;
    }
  }

  private async writeOnce(): Promise<void> {
    try {
      const written = await replaceStatus(this.kube, this.base, this.render);
      if (written) return this.setBase(written);
      this.disabled = true;
      this.onGone();
    } catch (err) {
      this.log('pod status write failed; retrying', {
        pod: this.base.metadata?.name,
        error: String(err),
      });
      this.dirty = true;
      await this.sleeper.sleep(1000);
    }
  }
}
