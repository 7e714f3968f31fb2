import { backoffDelay, type Clock, type TimerHandle } from './clock.js';

export interface WorkQueueOptions {
  readonly clock: Clock;
  /** Workers running at once; a key is never processed by two workers at a time. */
  readonly concurrency?: number;
  /** First retry delay after a failure; doubles per consecutive failure. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Observers for metrics; all optional. */
  readonly hooks?: WorkQueueHooks;
}

export interface WorkQueueHooks {
  added?(key: string): void;
  retried?(key: string): void;
  depth?(depth: number): void;
}

/** Processes one key; the queue calls `done` itself when the promise settles. */
export type KeyHandler = (key: string) => Promise<void>;

export const DEFAULT_BASE_BACKOFF_MS = 500;
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60_000;

/**
 * A rate-limited delaying queue of keys, after client-go's workqueue: a key queued
 * twice is processed once; a key added while being processed is processed again after
 * it finishes; failures back off per key until `forget`; `addAfter` keeps the earliest.
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly hooks: WorkQueueHooks;
  /** Keys ready to run, in order; a Set keeps insertion order and dedupes. */
  private readonly ready = new Set<string>();
  /** Keys added while being processed: queued again when the worker is done. */
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: TimerHandle }>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private handler: KeyHandler | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.baseBackoffMs = options.baseBackoffMs ?? DEFAULT_BASE_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.hooks = options.hooks ?? {};
  }

  /** Queues a key now (no-op when already queued or after shutdown). */
  add(key: string): void {
    if (this.shuttingDown) return;
    this.hooks.added?.(key);
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.ready.has(key)) return;
    this.ready.add(key);
    this.hooks.depth?.(this.ready.size);
    this.pump();
  }

  /** Queues a key after `ms`; if already waiting, the earliest time wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Queues a key after its backoff delay, which doubles with each consecutive failure. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    const attempts = this.failures.get(key) ?? 0;
    this.failures.set(key, attempts + 1);
    this.hooks.retried?.(key);
    this.addAfter(key, backoffDelay(attempts, this.baseBackoffMs, this.maxBackoffMs));
  }

  /** Clears the failure history of a key (call on success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys ready to run now (not counting delayed or in-flight ones). */
  len(): number {
    return this.ready.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Starts workers calling `handler`; a rejected handler counts as a failure (backoff). */
  start(handler: KeyHandler): void {
    if (this.handler) throw new Error('work queue already started');
    this.handler = handler;
    this.pump();
  }

  /**
   * Stops taking keys, cancels delayed adds and resolves once in-flight handlers have
   * finished; queued keys are dropped (the next leader relists and requeues them).
   */
  async shutDown(): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    this.ready.clear();
    this.dirtyWhileProcessing.clear();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler || this.shuttingDown) return;
    while (this.processing.size < this.concurrency && this.ready.size > 0) {
      const key = this.ready.values().next().value as string;
      this.ready.delete(key);
      this.processing.add(key);
      this.hooks.depth?.(this.ready.size);
      const run = this.runOne(handler, key);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async runOne(handler: KeyHandler, key: string): Promise<void> {
    try {
      await handler(key);
    } catch {
      // The handler should report its own errors; a throw still must not lose the key.
      this.addRateLimited(key);
    } finally {
      this.done(key);
    }
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirtyWhileProcessing.delete(key) && !this.shuttingDown) this.ready.add(key);
    this.pump();
  }
}
