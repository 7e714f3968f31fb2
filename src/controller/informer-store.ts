import type { KubeObject } from '../kube/resource-client.js';
import { objectKey } from './object-key.js';

/** Read-only view of an informer's cache. Objects are shared: never mutate them. */
export interface ObjectStore<T> {
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  keys(): string[];
  readonly size: number;
}

export interface StoreDelta<T> {
  /** Objects that appeared or changed (new resourceVersion). */
  readonly upserted: T[];
  /** Objects that vanished, as last seen. */
  readonly removed: T[];
}

/** The in-memory cache behind an Informer, keyed by namespace/name. */
export class MemoryStore<T extends KubeObject> implements ObjectStore<T> {
  private readonly objects = new Map<string, T>();

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

  keys(): string[] {
    return [...this.objects.keys()];
  }

  upsert(obj: T): void {
    this.objects.set(objectKey(obj.metadata), obj);
  }

  remove(obj: T): T | undefined {
    const key = objectKey(obj.metadata);
    const old = this.objects.get(key);
    this.objects.delete(key);
    return old;
  }

  /** Replaces everything with a fresh list; reports what changed. */
  replace(items: readonly T[]): StoreDelta<T> {
    const next = new Map(items.map((o) => [objectKey(o.metadata), o] as const));
    const removed = [...this.objects].filter(([k]) => !next.has(k)).map(([, o]) => o);
    const upserted = [...next].filter(([k, o]) => !sameVersion(this.objects.get(k), o));
    this.objects.clear();
    for (const [k, o] of next) this.objects.set(k, o);
    return { upserted: upserted.map(([, o]) => o), removed };
  }
}

function sameVersion(a: KubeObject | undefined, b: KubeObject): boolean {
  const rv = b.metadata?.resourceVersion;
  return a !== undefined && rv !== undefined && a.metadata?.resourceVersion === rv;
}
