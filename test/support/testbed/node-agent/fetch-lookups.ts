import type { V1ConfigMap, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { NodeAgentKube } from './kube-port.js';
import type { ObjectRefs } from './object-refs.js';
import { tokenKey, type VolumeLookups } from './volume-plan.js';

/**
 * Reads everything `refs` names, freshly each time: a container waiting for a
 * Secret starts as soon as the Secret exists. Missing objects read as undefined;
 * any other failure (a refused token request) rejects, and the caller retries.
 */
export async function fetchLookups(
  kube: NodeAgentKube,
  pod: V1Pod,
  refs: ObjectRefs,
): Promise<VolumeLookups> {
  const ns = pod.metadata?.namespace ?? 'default';
  const secrets = new Map<string, V1Secret | undefined>();
  const configMaps = new Map<string, V1ConfigMap | undefined>();
  const tokens = new Map<string, string>();
  await Promise.all([
    ...[...refs.secrets].map(async (n) => secrets.set(n, await kube.readSecret(ns, n))),
    ...[...refs.configMaps].map(async (n) => configMaps.set(n, await kube.readConfigMap(ns, n))),
    ...refs.tokens.map(async (t) => {
      const token = await kube.requestToken(pod, {
        audience: t.audience,
        expirationSeconds: t.expirationSeconds ?? 3600,
      });
      tokens.set(tokenKey(t), token);
    }),
  ]);
  return {
    secret: (name) => secrets.get(name),
    configMap: (name) => configMaps.get(name),
    token: (source) => tokens.get(tokenKey(source)),
  };
}
