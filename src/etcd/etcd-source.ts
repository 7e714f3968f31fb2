import type { Readable } from 'node:stream';

/** How to reach etcd. File contents, not paths: reading files is the caller's job. */
export interface EtcdConnection {
  /** Client URLs; a snapshot is always taken from exactly one of them. */
  readonly endpoints: readonly string[];
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  readonly auth?: { readonly username: string; readonly password: string };
  /** Connecting and each unary call. */
  readonly dialTimeoutMs?: number;
  /** A snapshot stream that delivers nothing for this long is failed (no total deadline). */
  readonly streamIdleTimeoutMs?: number;
}

/** Defaults sized for an 8 GiB database over a slow link: no overall deadline, generous idle. */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;

export interface MemberStatus {
  readonly endpoint: string;
  readonly version: string;
  readonly dbSize: number;
  readonly clusterId: string;
  readonly memberId: string;
  readonly revision: string;
  readonly leader: string;
  readonly raftTerm: string;
}

/** A snapshot in flight: raw bytes as etcd sends them (bbolt database + 32-byte sha256). */
export interface SnapshotStream {
  readonly member: MemberStatus;
  readonly bytes: Readable;
  /**
   * The snapshot's point in time: the first response header's revision when
   * etcd fills it, else the member's revision just before the stream opened
   * (the database then holds that revision or a slightly later one).
   * Rejects if the stream fails before any data.
   */
  readonly revision: Promise<string>;
  /** etcd's remaining_bytes from the latest response, for progress and ETA. */
  readonly remainingBytes: () => number | undefined;
}

export interface EtcdSnapshotSource {
  /** Status of the first reachable endpoint, in the given order. */
  pickMember(): Promise<MemberStatus>;
  /** Opens Maintenance.Snapshot on the member `pickMember` chose. */
  openSnapshot(signal?: AbortSignal): Promise<SnapshotStream>;
  close(): Promise<void>;
}
