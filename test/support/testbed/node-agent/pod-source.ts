import type { V1Pod } from '@kubernetes/client-node';
import type { NodeAgentKube, StopWatch } from './kube-port.js';
import type { Log } from './log.js';
import { isOlder } from './resource-version.js';
import { Sleeper } from './sleeper.js';

export interface PodSourceOptions {
  readonly kube: NodeAgentKube;
  /** The latest known state of a pod; called again whenever it may have changed. */
  readonly onPod: (pod: V1Pod) => void;
  /** The pod with this uid no longer exists. */
  readonly onGone: (uid: string) => void;
  readonly log: Log;
  readonly resyncMs?: number;
}

const uidOf = (pod: V1Pod): string => pod.metadata?.uid ?? '';

/** Exponential backoff for watch restarts after errors: 1 s doubling to 30 s. */
export function watchRetryDelayMs(failures: number): number {
  return failures <= 0 ? 100 : Math.min(1000 * 2 ** (failures - 1), 30_000);
}

/**
 * All pods of the cluster, kept current by list + watch: the watch restarts
 * (with a fresh list) whenever it ends, with backoff after errors, and a periodic
 * resync lists again so a silently stuck watch cannot hide a change for long.
 * Callers get the latest object per uid, never an older one than they already had.
 */
export class PodSource {
  private readonly latest = new Map<string, V1Pod>();
  private readonly gone = new Set<string>();
  private readonly sleeper = new Sleeper();
  private stopWatch: StopWatch | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private resync: Promise<void> | undefined;

  constructor(private readonly opts: PodSourceOptions) {}

  /** Resolves after the first list was delivered (or failed: the loop keeps trying). */
  start(): Promise<void> {
    return new Promise((firstListed) => {
      this.loop = this.watchLoop(firstListed);
      this.resync = this.resyncLoop();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    this.sleeper.wakeAll();
    await Promise.all([this.loop, this.resync]);
  }

  private async watchLoop(firstListed: () => void): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let clean = false;
      try {
        const list = await this.opts.kube.listPods();
        await this.applyList(list.items);
        firstListed();
        const err = await this.watchOnce(list.resourceVersion);
        clean = !err || (err instanceof Error && err.name === 'TimeoutError');
        if (!clean && !this.stopped) this.opts.log('pod watch ended', { error: String(err) });
      } catch (err) {
        this.opts.log('pod list failed', { error: String(err) });
        firstListed();
      }
      failures = clean ? 0 : failures + 1;
      await this.sleeper.sleep(watchRetryDelayMs(failures));
    }
  }

  /** Resolves with the watch's end: null for a clean close, else the error. */
  private watchOnce(resourceVersion: string): Promise<unknown> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve(null);
      const onEvent = (type: string, pod: V1Pod): void => this.onEvent(type, pod);
      this.opts.kube
        .watchPods(resourceVersion, onEvent, (err) => resolve(err ?? null))
        .then(
          (stop) => {
            this.stopWatch = stop;
            if (this.stopped) stop();
          },
          (err: unknown) => resolve(err),
        );
    });
  }

  private onEvent(type: string, pod: V1Pod): void {
    if (type === 'ADDED' || type === 'MODIFIED') this.accept(pod);
    else if (type === 'DELETED') this.forget(uidOf(pod));
    // BOOKMARK carries nothing to act on; ERROR (410 Gone) is followed by the server closing the watch.
  }

  private async resyncLoop(): Promise<void> {
    while (!this.stopped) {
      await this.sleeper.sleep(this.opts.resyncMs ?? 30_000);
      if (this.stopped) return;
      try {
        await this.applyList((await this.opts.kube.listPods()).items);
      } catch (err) {
        this.opts.log('pod resync failed', { error: String(err) });
      }
    }
  }

  /**
   * A list may be older than events already seen, so a pod missing from it is
   * only reported gone after a direct read confirms it.
   */
  private async applyList(items: readonly V1Pod[]): Promise<void> {
    const listed = new Set(items.map(uidOf));
    for (const pod of items) this.accept(pod);
    const missing = [...this.latest.values()].filter((p) => !listed.has(uidOf(p)));
    for (const pod of missing) {
      const current = await this.opts.kube.readPod(
        pod.metadata?.namespace ?? '',
        pod.metadata?.name ?? '',
      );
      if (!current || uidOf(current) !== uidOf(pod)) this.forget(uidOf(pod));
    }
  }

  private accept(pod: V1Pod): void {
    const uid = uidOf(pod);
    if (this.stopped || this.gone.has(uid)) return;
    const known = this.latest.get(uid);
    if (known && isOlder(pod.metadata?.resourceVersion, known.metadata?.resourceVersion)) return;
    this.latest.set(uid, pod);
    this.deliver(() => this.opts.onPod(pod));
  }

  private forget(uid: string): void {
    if (this.gone.has(uid)) return;
    this.gone.add(uid);
    this.latest.delete(uid);
    this.deliver(() => this.opts.onGone(uid));
  }

  private deliver(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.log('pod handler failed', { error: String(err) });
    }
  }
}
