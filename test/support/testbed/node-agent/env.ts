import type { V1Container, V1EnvFromSource, V1EnvVarSource, V1Pod } from '@kubernetes/client-node';
import { expandVars } from './expand.js';
import { resolveFieldPath, type PodPlacement } from './field-ref.js';
import { configMapEntries, missing, secretEntries, type ObjectLookups } from './object-data.js';
import { resolveResourceField } from './resource-field.js';

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };
type Value = { ok: true; value: string | undefined } | { ok: false; message: string };

export interface EnvInput {
  readonly pod: V1Pod;
  readonly container: V1Container;
  readonly lookups: ObjectLookups;
  readonly placement: PodPlacement;
  /** KUBERNETES_SERVICE_HOST and friends: visible to `$(VAR)` but overridable by the pod. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** What the image would provide (PATH, HOSTNAME): overridable, not expandable. */
  readonly imageEnv: Readonly<Record<string, string>>;
}

/**
 * The container environment in the kubelet's order: envFrom sources, then `env`
 * entries (each may reference earlier ones with `$(VAR)`), then service variables
 * not already set. A missing non-optional Secret/ConfigMap or key is an error whose
 * message the caller reports as `CreateContainerConfigError`.
 */
export function resolveEnv(input: EnvInput): EnvResult {
  const own: Record<string, string> = {};
  for (const from of input.container.envFrom ?? []) {
    const added = envFromSource(from, input);
    if (!added.ok) return added;
    Object.assign(own, added.env);
  }
  const lookup = (name: string): string | undefined => own[name] ?? input.serviceEnv[name];
  for (const v of input.container.env ?? []) {
    if (!v.valueFrom) {
      own[v.name] = expandVars(v.value ?? '', lookup);
      continue;
    }
    const resolved = envVarSource(v.valueFrom, input);
    if (!resolved.ok) return resolved;
    if (resolved.value !== undefined) own[v.name] = resolved.value;
  }
  return { ok: true, env: { ...input.imageEnv, ...input.serviceEnv, ...own } };
}

function envFromSource(from: V1EnvFromSource, input: EnvInput): EnvResult {
  const prefix = from.prefix ?? '';
  let entries: Map<string, Buffer> | undefined;
  if (from.secretRef) {
    const secret = input.lookups.secret(from.secretRef.name ?? '');
    if (!secret && !from.secretRef.optional)
      return { ok: false, message: missing.secret(from.secretRef.name ?? '') };
    entries = secret && secretEntries(secret);
  } else if (from.configMapRef) {
    const cm = input.lookups.configMap(from.configMapRef.name ?? '');
    if (!cm && !from.configMapRef.optional)
      return { ok: false, message: missing.configMap(from.configMapRef.name ?? '') };
    entries = cm && configMapEntries(cm);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of entries ?? []) if (!k.includes('=')) env[prefix + k] = v.toString('utf8');
  return { ok: true, env };
}

function envVarSource(source: V1EnvVarSource, input: EnvInput): Value {
  const ns = input.pod.metadata?.namespace ?? 'default';
  if (source.fieldRef)
    return resolveFieldPath(input.pod, source.fieldRef.fieldPath, input.placement);
  if (source.resourceFieldRef)
    return resolveResourceField(input.container, source.resourceFieldRef);
  if (source.secretKeyRef) {
    const { name = '', key, optional } = source.secretKeyRef;
    const secret = input.lookups.secret(name);
    if (!secret)
      return optional
        ? { ok: true, value: undefined }
        : { ok: false, message: missing.secret(name) };
    const value = secretEntries(secret).get(key);
    if (value === undefined && !optional)
      return { ok: false, message: missing.secretKey(ns, name, key) };
    return { ok: true, value: value?.toString('utf8') };
  }
  if (source.configMapKeyRef) {
    const { name = '', key, optional } = source.configMapKeyRef;
    const cm = input.lookups.configMap(name);
    if (!cm)
      return optional
        ? { ok: true, value: undefined }
        : { ok: false, message: missing.configMap(name) };
    const value = configMapEntries(cm).get(key);
    if (value === undefined && !optional)
      return { ok: false, message: missing.configMapKey(ns, name, key) };
    return { ok: true, value: value?.toString('utf8') };
  }
  return {
    ok: false,
    message:
      'unsupported env valueFrom source (the test-bed node agent knows fieldRef, resourceFieldRef, secretKeyRef, configMapKeyRef)',
  };
}

/** What the kubelet injects for the `kubernetes` Service when service links are on (the default). */
export function kubernetesServiceEnv(host: string, port: number): Record<string, string> {
  const addr = `tcp://${host}:${port}`;
  return {
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: addr,
    KUBERNETES_PORT_443_TCP: addr,
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: String(port),
    KUBERNETES_PORT_443_TCP_ADDR: host,
  };
}
