import type { NodeAgentKube } from './kube-port.js';
import type { Log } from './log.js';
import { nodeObject, nodeStatus } from './node-object.js';
import { Sleeper } from './sleeper.js';

export const LEASE_DURATION_SECONDS = 40;

/**
 * Keeps the Node registered and alive for the node lifecycle controller: the
 * Lease is renewed every `intervalMs`, and the Node status (which recreates a
 * deleted Node too) every `statusEvery` renewals.
 */
export class NodeHeartbeat {
  private readonly sleeper = new Sleeper();
  private readonly since = new Date();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly kube: NodeAgentKube,
    private readonly nodeName: string,
    private readonly log: Log,
    private readonly intervalMs = 10_000,
    private readonly statusEvery = 6,
  ) {}

  /** Where the node's log endpoint listens (NodeLogServer), published in the Node's status. */
  kubeletPort = 10250;

  /** Registers the node and takes the lease once; rejects when the API refuses. */
  async start(): Promise<void> {
    await this.register();
    await this.kube.renewLease(this.nodeName, LEASE_DURATION_SECONDS, new Date());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wakeAll();
    await this.loop;
  }

  private register(): Promise<void> {
    return this.kube.registerNode(nodeObject(this.nodeName), () =>
      nodeStatus(this.nodeName, new Date(), this.since, this.kubeletPort),
    );
  }

  private async run(): Promise<void> {
    for (let tick = 1; !this.stopped; tick++) {
      await this.sleeper.sleep(this.intervalMs);
      if (this.stopped) return;
      try {
        await this.kube.renewLease(this.nodeName, LEASE_DURATION_SECONDS, new Date());
        if (tick % this.statusEvery === 0) await this.register();
      } catch (err) {
        this.log('node heartbeat failed', { node: this.nodeName, error: String(err) });
      }
    }
  }
}
