import type { KubeObject } from '../kube/resource-client.js';
import { objectKey } from './object-key.js';

/** Read-only view of an informer's cache. Objects are shared: never mutate them. */
export interface ObjectCache<T> {
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  /**
   * Objects whose index function returned `value` for `index` (client-go's
   * Indexer.ByIndex): a controller finds an owner's children without scanning
   * the whole cache on every reconcile. Throws for an index not registered.
   */
  byIndex(index: string, value: string): T[];
  keys(): string[];
  readonly size: number;
}

/** The values an object is filed under in one index (e.g. its owner's key); none is fine. */
export type IndexFunc<T> = (obj: T) => readonly string[];

export interface StoreDelta<T> {
  /** Objects that appeared or changed (new resourceVersion), with the state they replaced. */
  readonly upserted: Array<{ readonly obj: T; readonly previous?: T }>;
  /** Objects that vanished, as last seen. */
  readonly removed: T[];
}

/** The in-memory cache behind an Informer, keyed by namespace/name, with optional indices. */
export class MemoryStore<T extends KubeObject> implements ObjectCache<T> {
  private readonly objects = new Map<string, T>();
  /** index name → value → keys of the objects filed under it. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(objectKey({ namespace, name }));
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  byIndex(index: string, value: string): T[] {
    const values = this.indices.get(index);
    if (!values) throw new Error(`no index named ${index}`);
    return [...(values.get(value) ?? [])].map((key) => this.objects.get(key)!);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  /** Stores the object; returns the state it replaced, if any. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj.metadata);
    const previous = this.objects.get(key);
    this.unindex(key);
    this.objects.set(key, obj);
    this.index(key, obj);
    return previous;
  }

  remove(obj: T): T | undefined {
    const key = objectKey(obj.metadata);
    const old = this.objects.get(key);
    this.unindex(key);
    this.objects.delete(key);
    return old;
  }

  /** Replaces everything with a fresh list; reports what changed. */
  replace(items: readonly T[]): StoreDelta<T> {
    const next = new Map(items.map((o) => [objectKey(o.metadata), o] as const));
    const removed = [...this.objects].filter(([k]) => !next.has(k)).map(([, o]) => o);
    const upserted = [...next]
      .filter(([k, o]) => !sameVersion(this.objects.get(k), o))
      .map(([k, obj]) => ({ obj, previous: this.objects.get(k) }));
    this.objects.clear();
    for (const values of this.indices.values()) values.clear();
    for (const [k, o] of next) {
      this.objects.set(k, o);
      this.index(k, o);
    }
    return { upserted, removed };
  }

  private index(key: string, obj: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const values = this.indices.get(name)!;
      for (const value of indexFunc(obj)) {
        let keys = values.get(value);
        if (!keys) values.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const values = this.indices.get(name)!;
      for (const value of indexFunc(old)) {
        const keys = values.get(value);
        keys?.delete(key);
        if (keys?.size === 0) values.delete(value);
      }
    }
  }
}

function sameVersion(a: KubeObject | undefined, b: KubeObject): boolean {
  const rv = b.metadata?.resourceVersion;
  return a !== undefined && rv !== undefined && a.metadata?.resourceVersion === rv;
}
