import type { KubeObject } from '../kube/resource-client.js';
import { isKubeError } from '../kube/errors.js';
import type { ListWatchSource, WatchEvent, WatchHandle } from '../kube/list-watch.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { backoffDelay, sleep, type Clock, type Sleep, type TimerHandle } from './clock.js';
import { MemoryStore, type IndexFunc, type ObjectCache } from './informer-store.js';

/**
 * Receives every object that changed, vanished (last state) or is resynced; never the event
 * type. `previous` is the cached state the change replaced: undefined when the object is new
 * or gone, the object itself on a resync (nothing changed), so a handler can skip changes of
 * fields its controller never reads (see whenChanged in informer-handlers.ts).
 */
export type InformerHandler<T> = (obj: T, previous?: T) => void;

export type RestartReason = 'gone' | 'watchdog' | 'error' | 'closed' | 'list-error';

export interface InformerOptions<T> {
  readonly name: string;
  readonly source: ListWatchSource<T>;
  readonly clock: Clock;
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. */
  readonly watchdogMs?: number;
  /** Hand every cached object to the handlers this often; 0 disables. */
  readonly resyncMs?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly logger?: Logger;
  readonly onRestart?: (reason: RestartReason) => void;
  /** Indices of the cache, by name (see ObjectCache.byIndex). */
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
}

export const DEFAULT_WATCHDOG_MS = 5 * 60_000;
/**
 * controller-runtime's SyncPeriod: a safety net, not a clock. The controllers wake on
 * events and on their own requeue-after (an EtcdBackup at least hourly); a resync every
 * 10 minutes reconciled 1,000 EtcdBackups six times an hour for nothing.
 */
export const DEFAULT_RESYNC_MS = 10 * 3_600_000;

type WatchOutcome = { reason: RestartReason | 'stopped'; err?: unknown; events: number };

/**
 * List, then watch from the list's resourceVersion, forever: 410 Gone relists, other
 * failures rewatch with backoff, a silent watch is restarted by a watchdog, and the
 * cache is handed to the handlers every resync period (level-triggered consumers).
 */
export class Informer<T extends KubeObject> {
  private readonly cache: MemoryStore<T>;
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly log: Logger;
  private readonly watchdogMs: number;
  private readonly resyncMs: number;
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private failures = 0;
  private loop: Promise<void> | undefined;
  private pause: Sleep | undefined;
  private endWatch: ((outcome: WatchOutcome) => void) | undefined;
  private resyncTimer: TimerHandle | undefined;
  private stopRequested: () => void = () => {};
  private readonly stopSignal = new Promise<void>((resolve) => (this.stopRequested = resolve));

  constructor(private readonly options: InformerOptions<T>) {
    this.cache = new MemoryStore<T>(options.indexers);
    this.log = (options.logger ?? silentLogger).child({ informer: options.name });
    this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    this.resyncMs = options.resyncMs ?? DEFAULT_RESYNC_MS;
  }

  get name(): string {
    return this.options.name;
  }

  get store(): ObjectCache<T> {
    return this.cache;
  }

  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  /** True once the first list has filled the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
    this.armResync();
  }

  /** Ends the watch and all timers; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested();
    this.pause?.cancel();
    this.endWatch?.({ reason: 'stopped', events: 0 });
    if (this.resyncTimer) this.options.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.resourceVersion && !(await this.relist())) continue;
      const outcome = await this.watchOnce(this.resourceVersion);
      if (outcome.reason === 'stopped') return;
      this.options.onRestart?.(outcome.reason);
      await this.afterWatch(outcome);
    }
  }

  private async afterWatch(outcome: WatchOutcome): Promise<void> {
    if (outcome.reason === 'gone') {
      this.log.info('resourceVersion expired, relisting');
      this.resourceVersion = '';
    } else if (outcome.reason === 'watchdog') {
      this.log.warn({ watchdogMs: this.watchdogMs }, 'watch silent too long, restarting');
    } else if (outcome.reason === 'error' || outcome.events === 0) {
      // A failed watch, or one the server ends at once, backs off so we never spin.
      const delayMs = this.nextBackoff();
      this.log.warn({ err: outcome.err, delayMs }, 'watch failed, retrying');
      await this.delay(delayMs);
    }
  }

  /** Lists and replaces the cache; false (after a backoff) when the list failed. */
  private async relist(): Promise<boolean> {
    try {
      const result = await Promise.race([this.options.source.list(), this.stopSignal]);
      if (!result || this.stopped) return false;
      const delta = this.cache.replace(result.items);
      this.resourceVersion = result.resourceVersion;
      this.synced = true;
      this.log.debug({ count: result.items.length }, 'listed');
      for (const obj of delta.removed) this.notify(obj, undefined);
      for (const { obj, previous } of delta.upserted) this.notify(obj, previous);
      return true;
    } catch (err) {
      if (this.stopped) return false;
      this.options.onRestart?.('list-error');
      const delayMs = this.nextBackoff();
      this.log.warn({ err, delayMs }, 'list failed, retrying');
      await this.delay(delayMs);
      return false;
    }
  }

  private watchOnce(resourceVersion: string): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve) => {
      const { clock } = this.options;
      let events = 0;
      const current: { handle?: WatchHandle } = {};
      let watchdog: TimerHandle | undefined;
      let ended = false;
      const end = (outcome: Omit<WatchOutcome, 'events'> & { events?: number }) => {
        if (ended) return;
        ended = true;
        if (watchdog) clock.clearTimeout(watchdog);
        current.handle?.stop();
        this.endWatch = undefined;
        resolve({ events, ...outcome });
      };
      const feed = () => {
        if (watchdog) clock.clearTimeout(watchdog);
        watchdog = clock.setTimeout(() => end({ reason: 'watchdog' }), this.watchdogMs);
      };
      this.endWatch = end;
      feed();
      current.handle = this.options.source.watch(resourceVersion, {
        onEvent: (event) => {
          if (ended) return;
          feed();
          const gone = this.apply(event);
          if (gone !== undefined) end({ reason: gone ? 'gone' : 'error', err: event.object });
          else events++;
        },
        onClose: (err) => {
          if (err === undefined) end({ reason: 'closed' });
          else end({ reason: isKubeError(err, 'Gone') ? 'gone' : 'error', err });
        },
      });
      // onClose may have run synchronously inside watch(), before the handle existed.
      if (ended) current.handle.stop();
    });
  }

  /** Applies one event; for ERROR events returns whether it was 410 Gone. */
  private apply(event: WatchEvent<T>): boolean | undefined {
    const obj = event.object;
    if (event.type === 'ERROR') return (obj as { code?: number } | undefined)?.code === 410;
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    this.failures = 0;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      this.notify(obj, this.cache.upsert(obj));
    } else if (event.type === 'DELETED') {
      this.notify(this.cache.remove(obj) ?? obj, undefined);
    }
    return undefined;
  }

  private notify(obj: T, previous: T | undefined): void {
    for (const handler of this.handlers) {
      try {
        handler(obj, previous);
      } catch (err) {
        this.log.error({ err }, 'informer handler threw');
      }
    }
  }

  private armResync(): void {
    if (this.resyncMs <= 0 || this.stopped) return;
    this.resyncTimer = this.options.clock.setTimeout(() => {
      for (const obj of this.cache.list()) this.notify(obj, obj);
      this.armResync();
    }, this.resyncMs);
  }

  private nextBackoff(): number {
    const { minBackoffMs = 1000, maxBackoffMs = 30_000 } = this.options;
    return backoffDelay(this.failures++, minBackoffMs, maxBackoffMs);
  }

  private async delay(ms: number): Promise<void> {
    if (this.stopped) return;
    this.pause = sleep(this.options.clock, ms);
    await this.pause.done;
    this.pause = undefined;
  }
}
