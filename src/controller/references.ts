import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { REASONS } from '../api/v1alpha1/index.js';
import type { ConfigMapReader, SecretReader } from '../kube/ports.js';
import type { ReferenceRequirement } from './jobs/wiring.js';
import type { TtlCache } from './ttl-cache.js';

export type { ReferenceRequirement } from './jobs/wiring.js';

/**
 * Whether the Secrets and ConfigMaps a spec's Jobs would mount exist and hold
 * their keys (the list comes from the Job wiring itself). Both controllers
 * check it before creating a Job: a missing one would leave the Pod stuck in
 * ContainerCreating, so it becomes a condition naming the field and the fix.
 */

/** What observe found: presence only, never a value. */
export interface ObservedReference extends ReferenceRequirement {
  readonly found: boolean;
  readonly missingKeys: readonly string[];
}

export interface ReferenceReaders {
  readonly secrets: SecretReader;
  readonly configMaps: ConfigMapReader;
  /**
   * Key names of referenced objects, remembered briefly: they are read with
   * GET (not watched), and a burst of reconciles would read the same Secret
   * for each. A fix (a Secret created) is seen within the TTL.
   */
  readonly referenceKeys?: TtlCache<ReadonlySet<string> | undefined>;
}

/** Compares a requirement with the key names an object holds (undefined: not found). */
export function checkReference(
  requirement: ReferenceRequirement,
  keys: ReadonlySet<string> | undefined,
): ObservedReference {
  if (!keys) return { ...requirement, found: false, missingKeys: [...requirement.keys] };
  return { ...requirement, found: true, missingKeys: requirement.keys.filter((k) => !keys.has(k)) };
}

/** Reads each referenced object once (values are dropped at once) and checks its keys. */
export async function observeReferences(
  namespace: string,
  requirements: readonly ReferenceRequirement[],
  readers: ReferenceReaders,
): Promise<ObservedReference[]> {
  const fetched = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  const keysOf = (req: ReferenceRequirement) => {
    const id = `${req.kind}/${namespace}/${req.name}`;
    let keys = fetched.get(id);
    if (!keys) {
      const load = () => keyNames(readers, req.kind, namespace, req.name);
      keys = readers.referenceKeys ? readers.referenceKeys.get(id, load) : load();
      fetched.set(id, keys);
    }
    return keys;
  };
  return Promise.all(requirements.map(async (req) => checkReference(req, await keysOf(req))));
}

/** Only the key names survive this function. */
async function keyNames(
  readers: ReferenceReaders,
  kind: ReferenceRequirement['kind'],
  namespace: string,
  name: string,
): Promise<ReadonlySet<string> | undefined> {
  if (kind === 'Secret') {
    const secret: V1Secret | undefined = await readers.secrets.get(namespace, name);
    return secret ? new Set(Object.keys(secret.data ?? {})) : undefined;
  }
  const map: V1ConfigMap | undefined = await readers.configMaps.get(namespace, name);
  return map
    ? new Set([...Object.keys(map.data ?? {}), ...Object.keys(map.binaryData ?? {})])
    : undefined;
}

/** The first missing object or key, as a condition reason and a message that names the fix. */
export function referenceProblem(
  references: readonly ObservedReference[],
): { reason: string; message: string } | undefined {
  const ref = references.find((r) => !r.found || r.missingKeys.length > 0);
  if (!ref) return undefined;
  const reason = ref.kind === 'Secret' ? REASONS.secretNotFound : REASONS.configMapNotFound;
  if (!ref.found) {
    return {
      reason,
      message: `${ref.kind} "${ref.name}" (${ref.field}) does not exist in this namespace: create it with the keys ${ref.keys.join(', ')}, or fix the name`,
    };
  }
  const keys = ref.missingKeys.join(', ');
  return {
    reason,
    message: `${ref.kind} "${ref.name}" (${ref.field}) has no key ${keys}: add it, or set the key name in ${ref.field}`,
  };
}
