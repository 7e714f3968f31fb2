import type { V1Pod } from '@kubernetes/client-node';

/**
 * The agent's result as a Job's Pods report it: each container's
 * termination message (state and lastState), read by `parse`, which returns
 * undefined for anything that is not a well-formed result.
 */
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
