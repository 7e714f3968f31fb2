import { KubeError, toKubeError } from './errors.js';
import {
  RestResourceClient,
  stripManagedFields,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type WirePrepare,
} from './resource-client.js';
import { collectionPath, type ResourceType } from './resources.js';
import type { RestClient } from './rest-client.js';
import { fromWire } from './serializer.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** For ERROR, `object` is a metav1.Status (`code` 410 means the resourceVersion is too old). */
export interface WatchEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
}

export interface WatchHandlers<T> {
  onEvent(event: WatchEvent<T>): void;
  /** Called once: undefined when the server ended the watch, else the failure. */
  onClose(err?: unknown): void;
}

export interface WatchHandle {
  /** Ends the watch; onClose is not called afterwards. */
  stop(): void;
}

/** The port an Informer lists and watches through. */
export interface ListWatchSource<T> {
  readonly description: string;
  list(): Promise<ListResult<T>>;
  watch(resourceVersion: string, handlers: WatchHandlers<T>): WatchHandle;
}

export interface RestListWatchOptions extends ListOptions {
  /** Undefined watches all namespaces. */
  readonly namespace?: string;
  /** Server-side watch timeout; randomised up to 2x so replicas do not reconnect in step. */
  readonly watchTimeoutSeconds?: number;
  readonly random?: () => number;
  /** Applied to every listed or watched object before decoding; defaults to stripManagedFields. */
  readonly prepare?: WirePrepare;
}

/** List + watch over the REST client: paged lists, bookmarked NDJSON watches. */
export class RestListWatch<T extends KubeObject> implements ListWatchSource<T> {
  readonly description: string;
  private readonly client: RestResourceClient<T>;
  private readonly prepare: WirePrepare;

  constructor(
    private readonly rest: RestClient,
    private readonly type: ResourceType,
    private readonly options: RestListWatchOptions = {},
  ) {
    this.prepare = options.prepare ?? stripManagedFields;
    this.client = new RestResourceClient<T>(rest, type, this.prepare);
    this.description = `${type.plural}${options.namespace ? ` in ${options.namespace}` : ''}`;
  }

  list(): Promise<ListResult<T>> {
    const { labelSelector, fieldSelector } = this.options;
    return this.client.list(this.options.namespace, { labelSelector, fieldSelector });
  }

  watch(resourceVersion: string, handlers: WatchHandlers<T>): WatchHandle {
    const abort = new AbortController();
    let closed = false;
    const close = (err?: unknown) => {
      if (closed || abort.signal.aborted) return;
      closed = true;
      handlers.onClose(
        err === undefined ? undefined : toKubeError(err, `watch ${this.description}`),
      );
    };
    const base = this.options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(base * (1 + (this.options.random ?? Math.random)()));
    void this.rest
      .open({
        method: 'GET',
        path: collectionPath(this.type, this.options.namespace),
        query: {
          watch: true,
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
        },
        what: `watch ${this.description}`,
        signal: abort.signal,
      })
      .then((stream) => this.pump(stream, abort.signal, handlers, () => closed))
      .then(
        () => close(),
        (err: unknown) => close(err),
      );
    return {
      stop: () => {
        closed = true;
        abort.abort();
      },
    };
  }

  private async pump(
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal,
    handlers: WatchHandlers<T>,
    isClosed: () => boolean,
  ): Promise<void> {
    const reader = stream.getReader();
    signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done || isClosed()) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line && !isClosed()) handlers.onEvent(this.decode(line));
      }
    }
  }

  private decode(line: string): WatchEvent<T> {
    let raw: { type?: WatchEventType; object?: unknown };
    try {
      raw = JSON.parse(line) as typeof raw;
    } catch (err) {
      throw new KubeError('Unknown', `watch ${this.description}: unparsable event`, { cause: err });
    }
    const type = raw.type ?? 'ERROR';
    if (type === 'ERROR' || type === 'BOOKMARK') return { type, object: raw.object as T };
    if (raw.object && typeof raw.object === 'object') {
      this.prepare(raw.object as Record<string, unknown>);
    }
    const object = fromWire<T>(this.type, raw.object);
    return { type, object: object as T };
  }
}
