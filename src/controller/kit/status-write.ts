import type { KubeObject } from '../../kube/resource-client.js';
import { isKubeError } from '../../kube/errors.js';
import type { Logger } from '../../observability/logger.js';
import { mergePatch, sameJson } from './status-patch.js';

export interface StatusClient<T> {
  patchStatus(namespace: string, name: string, patch: Record<string, unknown>): Promise<T>;
}

/**
 * The one status write of a reconcile: a merge patch of the status
 * subresource, only when the planned status differs from the observed one,
 * conditional on the resourceVersion the plan was made from, so a status
 * computed from a stale cache is refused (Conflict, thrown: the retry plans
 * again) instead of overwriting newer state. An object deleted meanwhile
 * needs no status. Returns the resourceVersion the write produced, or
 * undefined when nothing was written.
 */
export async function writeStatusIfChanged<T extends KubeObject & { status?: object }>(
  object: T,
  status: object,
  resourceVersion: string | undefined,
  client: StatusClient<T>,
  log: Logger,
): Promise<string | undefined> {
  const previous = object.status ?? {};
  if (sameJson(previous, status)) return undefined;
  const patch = {
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    status: mergePatch(previous, status),
  };
  const { namespace = '', name = '' } = object.metadata ?? {};
  let updated: T;
  try {
    updated = await client.patchStatus(namespace, name, patch);
  } catch (err) {
    if (isKubeError(err, 'NotFound')) return undefined;
    throw err;
  }
  log.debug({ fields: Object.keys(patch.status) }, 'status updated');
  return updated.metadata?.resourceVersion;
}
