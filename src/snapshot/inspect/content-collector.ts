import { crc32cCombine, crc32cUpdate } from './crc32c.js';
import { EtcdInfoBuilder } from './etcd-info.js';
import { DEFAULT_REGISTRY_PREFIX } from './k8s-keys.js';
import { summarizeLive, type LiveUsage } from './live-usage.js';
import type { Meta } from '../../bbolt/meta.js';
import type { BucketInfo, EtcdInfo, SnapshotSummary, TrailerInfo } from './types.js';

export interface CollectedContent extends LiveUsage {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalEntries: number;
  readonly version: string;
  readonly buckets: BucketInfo[];
  readonly etcd: EtcdInfo;
}

/** `semver.NewVersion` as etcdutl uses it: anything else prints as ''. */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Folds the buckets, in the order `etcdutl snapshot status` visits them, into
 * a summary. Fed either entry by entry (file reader) or with per-page CRCs and
 * compact revision records (streaming scanner); memory is one map entry per
 * live key, holding its size, never a value.
 */
export class ContentCollector {
  private hash = 0;
  private revision = 0;
  private readonly buckets: { name: string; entries: number }[] = [];
  private current: { name: string; entries: number } | null = null;
  private readonly live = new Map<string, number>();
  private readonly info = new EtcdInfoBuilder();

  constructor(private readonly registryPrefix: string = DEFAULT_REGISTRY_PREFIX) {}

  /** A top-level bucket starts; etcdutl hashes its name first. */
  beginBucket(name: Buffer): void {
    this.hashBytes(name, 0, name.length);
    this.current = { name: name.toString('latin1'), entries: 0 };
    this.buckets.push(this.current);
  }

  get bucketName(): string {
    return this.current?.name ?? '';
  }

  hashBytes(buf: Buffer, start: number, end: number): void {
    this.hash = crc32cUpdate(this.hash, buf, start, end);
  }

  /** Appends bytes hashed elsewhere: their CRC-32C and length. */
  hashCombined(crc: number, length: number): void {
    this.hash = crc32cCombine(this.hash, crc, length);
  }

  countEntries(n: number): void {
    if (this.current) this.current.entries += n;
  }

  /** One `key` bucket entry, in revision order: the latest revision of a key wins. */
  revisionEntry(main: number, key: string, tombstone: boolean, bytes: number): void {
    this.revision = main;
    if (tombstone) this.live.delete(key);
    else this.live.set(key, bytes);
  }

  /** An entry of the current bucket that might carry etcd metadata. */
  infoEntry(key: string, value: Buffer): void {
    this.info.entry(this.bucketName, key, value);
  }

  finish(): CollectedContent {
    const etcd = this.info.result();
    const usage = summarizeLive(this.live, this.registryPrefix);
    return {
      hash: this.hash,
      revision: this.revision,
      totalKey: this.live.size,
      totalEntries: this.buckets.reduce((n, b) => n + b.entries, 0),
      version:
        etcd.storageVersion !== null && SEMVER.test(etcd.storageVersion) ? etcd.storageVersion : '',
      buckets: this.buckets.map((b) => ({
        name: Buffer.from(b.name, 'latin1').toString('utf8'),
        entries: b.entries,
      })),
      etcd,
      ...usage,
    };
  }
}

/** The summary both readers return: the content plus facts about the file. */
export function summaryOf(
  content: CollectedContent,
  file: { meta: Meta; pageSize: number; fileSize: number; trailer: TrailerInfo },
): SnapshotSummary {
  return {
    hash: content.hash,
    revision: content.revision,
    totalKey: content.totalKey,
    totalSize: file.meta.pgid * file.pageSize,
    version: content.version,
    totalEntries: content.totalEntries,
    fileSize: file.fileSize,
    pageSize: file.pageSize,
    txid: file.meta.txid,
    trailer: file.trailer,
    etcd: content.etcd,
    buckets: content.buckets,
    live: content.live,
    resources: content.resources,
    namespaces: content.namespaces,
    other: content.other,
  };
}
