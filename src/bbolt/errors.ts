import { ProjectError } from '../api/errors.js';
/**
 * Stable codes for everything that can be wrong with a snapshot's bytes.
 * Callers branch on `code`; the message names the page and offset for humans.
 */
export type SnapshotFormatCode =
  | 'Truncated'
  | 'BadMagic'
  | 'BadVersion'
  | 'BadMetaChecksum'
  | 'BadPageSize'
  | 'PageOutOfRange'
  | 'PageIdMismatch'
  | 'BadPageType'
  | 'PageTooLarge'
  | 'BadElement'
  | 'BadBucket'
  | 'NotABucket'
  | 'Cycle'
  | 'TooDeep'
  | 'KeyOrder'
  | 'BadFreelist'
  | 'FreelistOverlap'
  | 'UnreachablePage'
  | 'BadRevisionKey'
  | 'BadKeyValue'
  | 'DigestMismatch'
  | 'NoTrailer';

export interface SnapshotFormatDetails {
  readonly pageId?: number;
  readonly offset?: number;
}

/** The snapshot is not a well-formed etcd snapshot; never retried, always reported. */
export class SnapshotFormatError extends ProjectError {
  override readonly name = 'SnapshotFormatError';
  readonly category = 'integrity';
  override get reason(): string {
    return 'SnapshotCorrupt';
  }
  readonly code: SnapshotFormatCode;
  readonly pageId: number | undefined;
  readonly offset: number | undefined;

  constructor(code: SnapshotFormatCode, message: string, details: SnapshotFormatDetails = {}) {
    super(message);
    this.code = code;
    this.pageId = details.pageId;
    this.offset = details.offset;
  }
}
