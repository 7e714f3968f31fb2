/**
 * Comparing and patching a status as JSON: key order and undefined fields
 * never count as a change (the apiserver returns keys in its own order and
 * drops nothing but what we never sent), and the patch is an RFC 7386 merge
 * patch, where `null` removes a field and arrays are replaced whole.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Equal as JSON, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** The merge patch turning `from` into `to`; empty when they are equal. */
export function mergePatch(from: unknown, to: unknown): Record<string, Json> {
  const before = asRecord(from);
  const after = asRecord(to);
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && after[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined || sameJson(before[key], value)) continue;
    patch[key] =
      isRecord(value) && isRecord(before[key])
        ? mergePatch(before[key], value)
        : (JSON.parse(JSON.stringify(value)) as Json);
  }
  return patch;
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      isRecord(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? 'undefined'
  );
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}
