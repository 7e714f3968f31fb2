import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';

const RESOURCES = [
  'pods',
  'configmaps',
  'secrets',
  'services/specs',
  'deployments',
  'replicasets',
  'events',
  'leases',
  'apps.example.com/widgets',
  'serviceaccounts',
];

/** A Kubernetes-object-like value of `size` bytes: JSON structure with incompressible ids and hashes. */
function objectValue(i: number, size: number): Buffer {
  const head = Buffer.from(
    `{"kind":"Object","metadata":{"name":"obj-${i}","uid":"${randomBytes(16).toString('hex')}","labels":{"app":"bench","tier":"t${i % 7}"}},"data":"`,
  );
  const tail = Buffer.from('"}');
  const room = Math.max(0, size - head.length - tail.length);
  // Half random text (does not compress), half repeated text (does): a ratio like real object data.
  const random = randomBytes(Math.ceil(room / 2))
    .toString('base64')
    .slice(0, Math.floor(room / 2));
  const body = Buffer.alloc(room, 'spec: replicas=3 image=registry.example/app:v1 ');
  body.write(random, 0, 'latin1');
  return Buffer.concat([head, body, tail]);
}

/** Writes Kubernetes-like objects (1-10 KiB values, many namespaces and resources) until `bytes` of values. */
export async function fillEtcd(
  client: Etcd3,
  bytes: number,
  startIndex = 0,
  onProgress?: (written: number) => void,
): Promise<{ keys: number; bytes: number; nextIndex: number }> {
  let written = 0;
  let i = startIndex;
  const batchSize = 64;
  while (written < bytes) {
    const ops = [];
    for (let b = 0; b < batchSize; b++, i++) {
      const size = 1024 + ((i * 7919) % (9 * 1024));
      const key = `/registry/${RESOURCES[i % RESOURCES.length]}/ns-${i % 200}/obj-${i}`;
      const value = objectValue(i, size);
      written += value.length;
      ops.push({ request_put: { key: Buffer.from(key), value } });
    }
    await client.kv.txn({ compare: [], success: ops, failure: [] });
    onProgress?.(written);
  }
  return { keys: i - startIndex, bytes: written, nextIndex: i };
}
