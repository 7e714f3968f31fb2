/** A number of live keys and their size: user key bytes + value bytes of the latest revision. */
export interface KeyUsage {
  readonly keys: number;
  readonly bytes: number;
}

export interface ResourceUsage extends KeyUsage {
  /** Storage prefix under the registry prefix, e.g. `pods`, `services/specs`, `example.com/widgets`. */
  readonly prefix: string;
  readonly resource: string;
  /** The API group when the key names it (CRDs, aggregated APIs), else ''. */
  readonly group: string;
}

export interface NamespaceUsage extends KeyUsage {
  readonly namespace: string;
}

export interface TrailerInfo {
  /** Whether the file ends with etcd's 32-byte sha256 of the database. */
  readonly present: boolean;
  /** The trailer as hex, or null when absent. */
  readonly sha256: string | null;
  /** Whether the database hashes to the trailer; null when absent or not checked. */
  readonly valid: boolean | null;
}

export interface MemberInfo {
  /** Hex member id (the `members` bucket key). */
  readonly id: string;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
}

/** What etcd keeps beside the keys: raft position, compaction, versions, membership. */
export interface EtcdInfo {
  readonly consistentIndex: number | null;
  readonly term: number | null;
  readonly scheduledCompactRevision: number | null;
  readonly finishedCompactRevision: number | null;
  /** `meta/storageVersion` (etcd >= 3.6), what etcdutl prints as "version". */
  readonly storageVersion: string | null;
  readonly clusterVersion: string | null;
  readonly members: readonly MemberInfo[];
}

export interface BucketInfo {
  readonly name: string;
  readonly entries: number;
}

/** The content of an etcd snapshot; plain data, JSON-serialisable. */
export interface SnapshotSummary {
  /** CRC-32C over bucket names, keys and values, exactly as `etcdutl snapshot status`. */
  readonly hash: number;
  /** Main revision of the last `key` bucket entry (etcdutl's "revision"). */
  readonly revision: number;
  /** Live keys, as etcdutl >= 3.6 counts them. */
  readonly totalKey: number;
  /** Database bytes below the high water mark (etcdutl's "totalSize"). */
  readonly totalSize: number;
  /** etcdutl's "version": the storage version, '' before etcd 3.6. */
  readonly version: string;
  /** Entries of every top-level bucket: what etcdutl 3.5 reports as "totalKey". */
  readonly totalEntries: number;
  readonly fileSize: number;
  readonly pageSize: number;
  readonly txid: number;
  readonly trailer: TrailerInfo;
  readonly etcd: EtcdInfo;
  readonly buckets: readonly BucketInfo[];
  readonly live: KeyUsage;
  /** Live keys under the registry prefix, by storage prefix, sorted by prefix. */
  readonly resources: readonly ResourceUsage[];
  /** Live keys of namespaced objects, by namespace, sorted by name. */
  readonly namespaces: readonly NamespaceUsage[];
  /** Live keys outside the registry prefix. */
  readonly other: KeyUsage;
}
