// Kubernetes resource and namespace of each key, interned: a key's class is
// a small integer naming the pair, so the scanner keeps 4 bytes per key
// revision instead of the key. There are few distinct resources and
// namespaces, and fewer pairs than keys.
import { classifyKey } from './k8s-keys.js';
import type { LiveUsage } from './live-usage.js';
import type { NamespaceUsage, ResourceUsage } from './types.js';

/** The class of keys outside the registry prefix. */
export const OTHER_CLASS = 0;

/** Namespace ids must stay below this for a (resource, namespace) pair to fit a double exactly. */
const NAMESPACE_SPAN = 2 ** 26;

interface Resource {
  readonly prefix: string;
  readonly resource: string;
  readonly group: string;
}

export class KeyClasses {
  private readonly resourceIds = new Map<string, number>();
  private readonly resources: Resource[] = [];
  private readonly namespaceIds = new Map<string, number>();
  private readonly namespaces: string[] = [];
  private readonly classIds = new Map<number, number>();
  /** By class: resource id, and namespace id or -1 for a cluster-scoped key. */
  private readonly resourceOf: number[] = [-1];
  private readonly namespaceOf: number[] = [-1];

  constructor(private readonly registryPrefix: string) {}

  /** `key` is latin1 (byte-exact), as classifyKey and summarizeLive take it. */
  classify(key: string): number {
    const k = classifyKey(key, this.registryPrefix);
    if (!k) return OTHER_CLASS;
    let r = this.resourceIds.get(k.prefix);
    if (r === undefined) {
      r = this.resources.push({ prefix: k.prefix, resource: k.resource, group: k.group }) - 1;
      this.resourceIds.set(k.prefix, r);
    }
    let n = -1;
    if (k.namespace !== null) {
      n = this.namespaceIds.get(k.namespace) ?? this.namespaces.push(k.namespace) - 1;
      this.namespaceIds.set(k.namespace, n);
    }
    const pair = r * NAMESPACE_SPAN + n + 1;
    let c = this.classIds.get(pair);
    if (c === undefined) {
      c = this.resourceOf.push(r) - 1;
      this.namespaceOf.push(n);
      this.classIds.set(pair, c);
    }
    return c;
  }

  /** An empty tally to add live keys to. */
  tally(): ClassTally {
    return new ClassTally(this.resources, this.namespaces, this.resourceOf, this.namespaceOf);
  }
}

/**
 * Adds up live keys by class into what summarizeLive reports for the same
 * keys. `order` is when the key entered the live set, so that entries whose
 * names are equal once decoded as UTF-8 keep summarizeLive's order.
 */
export class ClassTally {
  private readonly total = newTally();
  private readonly other = newTally();
  private readonly byResource: Tally[];
  private readonly byNamespace: Tally[];

  constructor(
    private readonly resources: readonly Resource[],
    private readonly namespaces: readonly string[],
    private readonly resourceOf: readonly number[],
    private readonly namespaceOf: readonly number[],
  ) {
    this.byResource = resources.map(newTally);
    this.byNamespace = namespaces.map(newTally);
  }

  add(keyClass: number, bytes: number, order: number): void {
    add(this.total, bytes, order);
    if (keyClass === OTHER_CLASS) return add(this.other, bytes, order);
    add(this.byResource[this.resourceOf[keyClass]!]!, bytes, order);
    const n = this.namespaceOf[keyClass]!;
    if (n >= 0) add(this.byNamespace[n]!, bytes, order);
  }

  usage(): LiveUsage {
    const resources: ResourceUsage[] = used(this.byResource).map(([r, t]) => ({
      prefix: utf8(this.resources[r]!.prefix),
      resource: utf8(this.resources[r]!.resource),
      group: utf8(this.resources[r]!.group),
      keys: t.keys,
      bytes: t.bytes,
    }));
    const namespaces: NamespaceUsage[] = used(this.byNamespace).map(([n, t]) => ({
      namespace: utf8(this.namespaces[n]!),
      keys: t.keys,
      bytes: t.bytes,
    }));
    return {
      live: { keys: this.total.keys, bytes: this.total.bytes },
      resources: resources.sort((a, b) => compare(a.prefix, b.prefix)),
      namespaces: namespaces.sort((a, b) => compare(a.namespace, b.namespace)),
      other: { keys: this.other.keys, bytes: this.other.bytes },
    };
  }
}

interface Tally {
  keys: number;
  bytes: number;
  first: number;
}

function newTally(): Tally {
  return { keys: 0, bytes: 0, first: Infinity };
}

function add(t: Tally, bytes: number, order: number): void {
  t.keys += 1;
  t.bytes += bytes;
  if (order < t.first) t.first = order;
}

/** Ids with live keys, in the order summarizeLive would have met them. */
function used(tallies: readonly Tally[]): Array<[number, Tally]> {
  return tallies
    .map((t, id): [number, Tally] => [id, t])
    .filter(([, t]) => t.keys > 0)
    .sort((a, b) => a[1].first - b[1].first);
}

/** Keys are held as latin1 (byte-exact); names shown to people are UTF-8. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
