/** The queue key of an object: "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(meta: { namespace?: string; name?: string } | undefined): string {
  const name = meta?.name ?? '';
  return meta?.namespace ? `${meta.namespace}/${name}` : name;
}

export interface ParsedKey {
  readonly namespace: string | undefined;
  readonly name: string;
}

export function parseKey(key: string): ParsedKey {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export interface OwnerReferenceLike {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface OwnedObject {
  metadata?: {
    namespace?: string;
    name?: string;
    ownerReferences?: OwnerReferenceLike[];
  };
}

export interface OwnerKind {
  readonly group: string;
  readonly kind: string;
}

function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The key of the controlling owner (ownerReference with controller=true) when it is of
 * the given group and kind; owners live in the object's namespace.
 */
export function controllerOwnerKey(obj: OwnedObject, owner: OwnerKind): string | undefined {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref?.name || ref.kind !== owner.kind || groupOf(ref.apiVersion) !== owner.group) {
    return undefined;
  }
  return objectKey({ namespace: obj.metadata?.namespace, name: ref.name });
}
