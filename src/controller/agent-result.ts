import type { V1Pod } from '@kubernetes/client-node';

/**
 * Agent results as the controllers read them from a container's termination
 * message. The message is whatever the container left (a crash trace, a
 * truncated JSON, an empty string), so anything that is not a well-formed
 * result is undefined, never an exception: the Job's own status still says
 * whether it failed.
 */

export type Fields = Record<string, unknown>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A condition reason must be CamelCase, or the status write would be refused. */
function isCamelCase(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,127}$/.test(value);
}

/**
 * The frame every agent result shares (kind, succeeded, a CamelCase reason,
 * message); `valid` checks the fields of that kind.
 */
export function parseResultMessage<R>(
  message: string | undefined,
  kind: string,
  valid: (value: Fields) => boolean,
): R | undefined {
  if (!message) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.kind !== kind) return undefined;
  if (typeof value.succeeded !== 'boolean') return undefined;
  if (!isCamelCase(value.reason) || typeof value.message !== 'string') return undefined;
  return valid(value) ? (value as R) : undefined;
}

/** A successful result if any Pod's container reported one, else the latest-finished one's. */
export function pickPodResult<R extends { readonly succeeded: boolean }>(
  pods: readonly V1Pod[],
  parse: (message: string | undefined) => R | undefined,
): R | undefined {
  const reported: Array<{ result: R; at: number }> = [];
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      for (const terminated of [status.state?.terminated, status.lastState?.terminated]) {
        const result = parse(terminated?.message);
        if (result) reported.push({ result, at: timeOf(terminated?.finishedAt) });
      }
    }
  }
  reported.sort((a, b) => Number(b.result.succeeded) - Number(a.result.succeeded) || b.at - a.at);
  return reported[0]?.result;
}

/** client-node models carry Dates; plain JSON (and tests) carry RFC 3339 strings. */
function timeOf(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime() || 0;
}
