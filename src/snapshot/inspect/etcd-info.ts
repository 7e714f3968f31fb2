import type { EtcdInfo, MemberInfo } from './types.js';

// Keys etcd's server/storage/schema writes outside the `key` bucket. Their
// values are small, so they are copied out as they are met.
const TWO_POW_32 = 0x1_0000_0000;

/** The buckets whose entries EtcdInfoBuilder wants to see. */
export const INFO_BUCKETS: ReadonlySet<string> = new Set(['meta', 'cluster', 'members']);

export class EtcdInfoBuilder {
  private consistentIndex: number | null = null;
  private term: number | null = null;
  private scheduledCompactRevision: number | null = null;
  private finishedCompactRevision: number | null = null;
  private storageVersion: string | null = null;
  private clusterVersion: string | null = null;
  private readonly members: MemberInfo[] = [];

  entry(bucket: string, key: string, value: Buffer): void {
    if (bucket === 'meta') this.metaEntry(key, value);
    else if (bucket === 'cluster' && key === 'clusterVersion')
      this.clusterVersion = value.toString('utf8');
    else if (bucket === 'members') this.members.push(parseMember(key, value));
  }

  result(): EtcdInfo {
    return {
      consistentIndex: this.consistentIndex,
      term: this.term,
      scheduledCompactRevision: this.scheduledCompactRevision,
      finishedCompactRevision: this.finishedCompactRevision,
      storageVersion: this.storageVersion,
      clusterVersion: this.clusterVersion,
      members: this.members,
    };
  }

  private metaEntry(key: string, value: Buffer): void {
    switch (key) {
      case 'consistent_index':
        this.consistentIndex = bigEndian64(value);
        break;
      case 'term':
        this.term = bigEndian64(value);
        break;
      // Compaction marks are revision keys: the first 8 bytes are the main revision.
      case 'scheduledCompactRev':
        this.scheduledCompactRevision = bigEndian64(value);
        break;
      case 'finishedCompactRev':
        this.finishedCompactRevision = bigEndian64(value);
        break;
      case 'storageVersion':
        this.storageVersion = value.toString('utf8');
        break;
    }
  }
}

function bigEndian64(value: Buffer): number | null {
  if (value.length < 8) return null;
  return value.readUInt32BE(0) * TWO_POW_32 + value.readUInt32BE(4);
}

/** Member JSON (membership.Member); the id comes from the key, as JSON numbers lose 64-bit ids. */
function parseMember(id: string, value: Buffer): MemberInfo {
  let doc: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
  } catch {
    // A malformed member record is reported by id only; it is not a format error of the snapshot.
  }
  return {
    id,
    name: typeof doc.name === 'string' ? doc.name : '',
    peerURLs: strings(doc.peerURLs),
    clientURLs: strings(doc.clientURLs),
    isLearner: doc.isLearner === true,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
