import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BackupAgentConfig } from '../../../src/api/agent/index.js';
import type { EtcdSnapshotSource, MemberStatus } from '../../../src/etcd/etcd-source.js';
import { buildImage } from '../../support/fixtures/bbolt-image.js';
import { etcdRoot } from '../../support/fixtures/etcd-records.js';

export const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

export function sampleConfig(overrides: Partial<BackupAgentConfig> = {}): BackupAgentConfig {
  return {
    apiVersion: 'etcdsnapshot.dev/v1alpha1',
    kind: 'BackupAgentConfig',
    backup: { namespace: 'etcd-backups', name: 'nightly', uid: 'uid-1' },
    run: {
      job: 'nightly-29540520',
      scheduledTime: '2026-03-01T06:00:00.000Z',
      trigger: 'schedule',
    },
    etcd: {
      endpoints: ['https://10.0.0.10:2379'],
      tls: { caFile: '/etc/etcd-snapshot/etcd-tls/ca.crt' },
      dialTimeout: '10s',
      streamIdleTimeout: '2m',
    },
    store: { kind: 's3', bucket: 'etcd-backups', prefix: 'clusters/prod/', region: 'eu-central-1' },
    compression: 'zstd',
    ...overrides,
  };
}

const member: MemberStatus = {
  endpoint: 'https://10.0.0.10:2379',
  version: '3.6.16',
  dbSize: 0,
  clusterId: 'cdf818194e3a8c32',
  memberId: '8e9e05c52164694d',
  revision: '42',
  leader: '8e9e05c52164694d',
  raftTerm: '2',
};

/** A small etcd-shaped bbolt database, without its trailer. */
export const DATABASE = buildImage(
  etcdRoot([
    { key: '/registry/pods/default/a', value: 'pod a' },
    { key: '/registry/configmaps/kube-system/b', value: 'config b' },
  ]),
  { trailer: false },
).bytes;

/** An etcd stand-in: a real bbolt database plus its sha256 trailer, or a failure. */
export class FakeSource implements EtcdSnapshotSource {
  opened = 0;
  closed = 0;

  constructor(
    private readonly options: { fail?: Error; corruptTrailer?: boolean; revision?: string } = {},
  ) {}

  async pickMember(): Promise<MemberStatus> {
    if (this.options.fail) throw this.options.fail;
    return member;
  }

  async openSnapshot() {
    this.opened += 1;
    if (this.options.fail) throw this.options.fail;
    const db = DATABASE;
    const trailer = createHash('sha256').update(db).digest();
    if (this.options.corruptTrailer) trailer[0]! ^= 0xff;
    return {
      member,
      bytes: Readable.from([db.subarray(0, 1000), db.subarray(1000), trailer]),
      revision: Promise.resolve(this.options.revision ?? '42'),
      remainingBytes: () => 0,
    };
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}
