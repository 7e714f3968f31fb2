/** Whether `a` is an older resourceVersion than `b` (etcd revisions are integers; anything else is not compared). */
export function isOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}
