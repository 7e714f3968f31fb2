import { classifyKey } from './k8s-keys.js';
import type { KeyUsage, NamespaceUsage, ResourceUsage } from './types.js';

export interface LiveUsage {
  readonly live: KeyUsage;
  readonly resources: ResourceUsage[];
  readonly namespaces: NamespaceUsage[];
  readonly other: KeyUsage;
}

interface Tally {
  keys: number;
  bytes: number;
}

/**
 * Groups live keys by Kubernetes resource and namespace. `live` maps each key
 * (decoded as latin1, so every byte survives) to its key+value size.
 */
export function summarizeLive(
  live: ReadonlyMap<string, number>,
  registryPrefix: string,
): LiveUsage {
  const total: Tally = { keys: 0, bytes: 0 };
  const other: Tally = { keys: 0, bytes: 0 };
  const resources = new Map<string, Tally & { resource: string; group: string }>();
  const namespaces = new Map<string, Tally>();
  for (const [key, bytes] of live) {
    add(total, bytes);
    const k = classifyKey(key, registryPrefix);
    if (!k) {
      add(other, bytes);
      continue;
    }
    let r = resources.get(k.prefix);
    if (!r)
      resources.set(k.prefix, (r = { keys: 0, bytes: 0, resource: k.resource, group: k.group }));
    add(r, bytes);
    if (k.namespace !== null) {
      let n = namespaces.get(k.namespace);
      if (!n) namespaces.set(k.namespace, (n = { keys: 0, bytes: 0 }));
      add(n, bytes);
    }
  }
  return {
    live: total,
    resources: listResources(resources),
    namespaces: listNamespaces(namespaces),
    other,
  };
}

function listResources(
  resources: Map<string, Tally & { resource: string; group: string }>,
): ResourceUsage[] {
  return [...resources]
    .map(([prefix, r]) => ({
      prefix: utf8(prefix),
      resource: utf8(r.resource),
      group: utf8(r.group),
      keys: r.keys,
      bytes: r.bytes,
    }))
    .sort((a, b) => compare(a.prefix, b.prefix));
}

function listNamespaces(namespaces: Map<string, Tally>): NamespaceUsage[] {
  return [...namespaces]
    .map(([namespace, n]) => ({ namespace: utf8(namespace), keys: n.keys, bytes: n.bytes }))
    .sort((a, b) => compare(a.namespace, b.namespace));
}

function add(t: Tally, bytes: number): void {
  t.keys += 1;
  t.bytes += bytes;
}

/** Keys are held as latin1 (byte-exact); names shown to people are UTF-8. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
