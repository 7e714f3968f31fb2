import { Etcd3 } from 'etcd3';
import type { EtcdConnection } from './etcd-source.js';
import { etcd3Options } from './client-options.js';
import { EtcdError, toEtcdError } from './errors.js';
import {
  prefixRangeEnd,
  type CompactionReport,
  type EtcdKeyValueTarget,
  type KeyValue,
} from './kv-target.js';

const ALREADY_COMPACTED = /required revision has been compacted/;

/** Logical-restore writes against a live etcd through `etcd3`. */
export class Etcd3KeyValueTarget implements EtcdKeyValueTarget {
  readonly endpoint: string;
  private readonly client: Etcd3;

  constructor(private readonly connection: EtcdConnection) {
    const endpoint = connection.endpoints[0];
    if (!endpoint)
      throw new EtcdError('InvalidConfig', 'no etcd endpoint given: set at least one client URL');
    this.endpoint = endpoint;
    this.client = new Etcd3(etcd3Options(connection, connection.endpoints));
  }

  private async call<T>(fn: () => Promise<T>, endpoint = this.endpoint): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toEtcdError(err, endpoint);
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

  async compactAndDefragment(): Promise<CompactionReport> {
    const revision = await this.call(async () => {
      const status = await this.client.maintenance.status();
      const current = Number(status.header.revision);
      await this.client.kv.compact({ revision: current, physical: true }).catch((err: unknown) => {
        // Someone (kube-apiserver, say) compacted to this revision already.
        if (!ALREADY_COMPACTED.test(String((err as Error)?.message))) throw err;
      });
      return current;
    });
    // Defragmenting blocks a member while it rewrites its file: one at a time.
    const members: Array<CompactionReport['members'][number]> = [];
    for (const endpoint of this.connection.endpoints) {
      const one = new Etcd3(etcd3Options(this.connection, [endpoint]));
      try {
        members.push(
          await this.call(async () => {
            const before = await one.maintenance.status();
            await one.maintenance.defragment();
            const after = await one.maintenance.status();
            return {
              endpoint,
              dbSizeBefore: Number(before.dbSize),
              dbSizeAfter: Number(after.dbSize),
            };
          }, endpoint),
        );
      } finally {
        one.close();
      }
    }
    return {
      revision,
      members,
      notDefragmented: await this.call(() => this.membersNotListed()),
      disarmedNoSpace: await this.call(() => this.disarmNoSpace()),
    };
  }

  /** Members none of whose client URLs is among the endpoints: a defragment did not reach them. */
  private async membersNotListed(): Promise<string[]> {
    const norm = (url: string) => url.replace(/\/+$/, '');
    const given = new Set(this.connection.endpoints.map(norm));
    const { members } = await this.client.cluster.memberList({ linearizable: true });
    return members
      .filter((m) => !m.clientURLs.some((u) => given.has(norm(u))))
      .map((m) => m.name || m.ID);
  }

  /** A NOSPACE alarm outlives the space it complained about: clear it once space is back. */
  private async disarmNoSpace(): Promise<boolean> {
    const { alarms } = await this.client.maintenance.alarm({
      action: 'Get',
      memberID: 0,
      alarm: 'None',
    });
    const noSpace = alarms.filter((a) => a.alarm === 'Nospace');
    for (const a of noSpace)
      await this.client.maintenance.alarm({
        action: 'Deactivate',
        memberID: a.memberID,
        alarm: 'Nospace',
      });
    return noSpace.length > 0;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
