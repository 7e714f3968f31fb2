import type { V1Container, V1Pod, V1ServiceAccountTokenProjection } from '@kubernetes/client-node';
import { tokenKey } from './volume-plan.js';

/** The Secrets, ConfigMaps and tokens a set of containers or volumes needs, to fetch before resolving them. */
export interface ObjectRefs {
  readonly secrets: ReadonlySet<string>;
  readonly configMaps: ReadonlySet<string>;
  /** One projection per distinct audience and lifetime (see tokenKey). */
  readonly tokens: readonly V1ServiceAccountTokenProjection[];
}

export function containerRefs(container: V1Container): ObjectRefs {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef?.name) secrets.add(from.secretRef.name);
    if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
  }
  for (const v of container.env ?? []) {
    if (v.valueFrom?.secretKeyRef?.name) secrets.add(v.valueFrom.secretKeyRef.name);
    if (v.valueFrom?.configMapKeyRef?.name) configMaps.add(v.valueFrom.configMapKeyRef.name);
  }
  return { secrets, configMaps, tokens: [] };
}

export function volumeRefs(pod: V1Pod): ObjectRefs {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const tokens = new Map<string, V1ServiceAccountTokenProjection>();
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
    if (volume.configMap?.name) configMaps.add(volume.configMap.name);
    for (const source of volume.projected?.sources ?? []) {
      if (source.secret?.name) secrets.add(source.secret.name);
      if (source.configMap?.name) configMaps.add(source.configMap.name);
      if (source.serviceAccountToken)
        tokens.set(tokenKey(source.serviceAccountToken), source.serviceAccountToken);
    }
  }
  return { secrets, configMaps, tokens: [...tokens.values()] };
}
