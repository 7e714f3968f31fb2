import type { Etcd3 } from 'etcd3';

/** Every key and value (base64) in an etcd, at `revision` when given: the ground truth to compare with. */
export async function readAllKeys(client: Etcd3, revision?: string): Promise<Map<string, string>> {
  const res = await client.kv.range({
    key: Buffer.from([0]),
    range_end: Buffer.from([0]),
    ...(revision ? { revision } : {}),
  });
  return new Map(res.kvs.map((kv) => [kv.key.toString('utf8'), kv.value.toString('base64')]));
}

export async function currentRevision(client: Etcd3): Promise<string> {
  return (await client.maintenance.status()).header.revision;
}

/**
 * The database size once etcd's backend committed what was written: it
 * commits every 100 ms, so the size is read until two reads 150 ms apart agree.
 */
export async function settledDbSize(client: Etcd3): Promise<number> {
  const read = async () => Number((await client.maintenance.status()).dbSize);
  let last = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
}
