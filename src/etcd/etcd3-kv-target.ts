import { Etcd3 } from 'etcd3';
import { DEFAULT_DIAL_TIMEOUT_MS, type EtcdConnection } from './etcd-source.js';
import { EtcdError, toEtcdError } from './errors.js';
import { prefixRangeEnd, type EtcdKeyValueTarget, type KeyValue } from './kv-target.js';

/** Logical-restore writes against one etcd endpoint through `etcd3`. */
export class Etcd3KeyValueTarget implements EtcdKeyValueTarget {
  readonly endpoint: string;
  private readonly client: Etcd3;

  constructor(connection: EtcdConnection) {
    const endpoint = connection.endpoints[0];
    if (!endpoint)
      throw new EtcdError('InvalidConfig', 'no etcd endpoint given: set at least one client URL');
    if (endpoint.startsWith('https://') && !connection.tls?.ca) {
      throw new EtcdError(
        'InvalidConfig',
        `${endpoint} uses https but no CA was given: provide ca.crt (or --cacert)`,
      );
    }
    this.endpoint = endpoint;
    const tls = connection.tls;
    this.client = new Etcd3({
      hosts: connection.endpoints as string[],
      dialTimeout: connection.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
      ...(tls?.ca
        ? { credentials: { rootCertificate: tls.ca, privateKey: tls.key, certChain: tls.cert } }
        : {}),
      ...(connection.auth
        ? { auth: { username: connection.auth.username, password: connection.auth.password } }
        : {}),
    });
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toEtcdError(err, this.endpoint);
    }
  }

  countRange(prefix: Buffer): Promise<number> {
    return this.call(async () => {
      const res = await this.client.kv.range({
        key: prefix.length ? prefix : Buffer.from([0]),
        range_end: prefixRangeEnd(prefix),
        count_only: true,
      });
      return Number(res.count);
    });
  }

  listKeys(prefix: Buffer, limit: number): Promise<Buffer[]> {
    return this.call(async () => {
      const res = await this.client.kv.range({
        key: prefix.length ? prefix : Buffer.from([0]),
        range_end: prefixRangeEnd(prefix),
        keys_only: true,
        limit,
      });
      return res.kvs.map((kv) => kv.key);
    });
  }

  deleteRange(prefix: Buffer): Promise<number> {
    return this.call(async () => {
      const res = await this.client.kv.deleteRange({
        key: prefix.length ? prefix : Buffer.from([0]),
        range_end: prefixRangeEnd(prefix),
      });
      return Number(res.deleted);
    });
  }

  putBatch(batch: readonly KeyValue[]): Promise<void> {
    return this.call(async () => {
      await this.client.kv.txn({
        compare: [],
        success: batch.map((kv) => ({ request_put: { key: kv.key, value: kv.value } })),
        failure: [],
      });
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
