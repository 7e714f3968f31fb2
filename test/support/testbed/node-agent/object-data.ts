import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';

/** Secrets and ConfigMaps a pod refers to, fetched before a container starts (undefined: not found). */
export interface ObjectLookups {
  secret(name: string): V1Secret | undefined;
  configMap(name: string): V1ConfigMap | undefined;
}

/** The API returns Secret values base64-encoded in `data`. */
export function secretEntries(secret: V1Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export function configMapEntries(cm: V1ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

/** The kubelet's wording, so messages read the same as on a real node. */
export const missing = {
  secret: (name: string): string => `secret "${name}" not found`,
  configMap: (name: string): string => `configmap "${name}" not found`,
  secretKey: (ns: string, name: string, key: string): string =>
    `couldn't find key ${key} in Secret ${ns}/${name}`,
  configMapKey: (ns: string, name: string, key: string): string =>
    `couldn't find key ${key} in ConfigMap ${ns}/${name}`,
};
