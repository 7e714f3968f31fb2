import { StorageError, isAbortError, type StorageErrorCode } from '../storage-error.js';

export type FsOperation =
  'put' | 'get' | 'list' | 'delete' | 'check' | 'listIncomplete' | 'abortIncomplete';

export interface FsErrorContext {
  readonly operation: FsOperation;
  /** Printable store location (`file:///…`). */
  readonly location: string;
  /** The relative key involved, if any. */
  readonly key?: string;
}

const BY_CODE: Readonly<Record<string, StorageErrorCode>> = {
  ENOENT: 'NotFound',
  EACCES: 'AccessDenied',
  EPERM: 'AccessDenied',
  EROFS: 'AccessDenied',
  ENOSPC: 'NoSpace',
  EDQUOT: 'NoSpace',
  EFBIG: 'NoSpace',
  ENOTDIR: 'InvalidKey',
  EISDIR: 'InvalidKey',
  ENAMETOOLONG: 'InvalidKey',
  // NFS servers that went away.
  ESTALE: 'Unreachable',
  ETIMEDOUT: 'Unreachable',
  ENOTCONN: 'Unreachable',
  EHOSTDOWN: 'Unreachable',
};

interface Input {
  readonly ctx: FsErrorContext;
  readonly what: string;
  readonly errno: string;
}

const MESSAGES: Record<StorageErrorCode, (i: Input) => string> = {
  NotFound: ({ what }) => `object ${what} does not exist`,
  NoSuchBucket: ({ ctx, errno }) =>
    `directory ${ctx.location} does not exist (${errno}): create it or mount the volume there`,
  AccessDenied: ({ ctx, what, errno }) =>
    `permission denied for ${ctx.operation} of ${what} (${errno}): mount the volume read-write and let the pod's user write it (securityContext.fsGroup/runAsUser)`,
  NoSpace: ({ ctx, errno }) =>
    `no space left under ${ctx.location} (${errno}): free space, tighten retention or enlarge the volume`,
  InvalidKey: ({ what, errno }) =>
    `cannot store ${what} (${errno}): the key collides with an existing object or directory (a filesystem cannot hold both "a" and "a/b") or is too long`,
  Unreachable: ({ ctx, errno }) =>
    `the file system under ${ctx.location} is not reachable (${errno}): check the NFS server or the volume mount`,
  Aborted: ({ ctx, what }) => `${ctx.operation} of ${what} was aborted`,
  TlsError: ({ ctx, errno }) => `${ctx.operation} on ${ctx.location} failed (${errno})`,
  InvalidCredentials: ({ ctx, errno }) => `${ctx.operation} on ${ctx.location} failed (${errno})`,
  InvalidConfig: ({ ctx, errno }) => `${ctx.operation} on ${ctx.location} failed (${errno})`,
  Corrupt: ({ what, errno }) => `${what} is damaged on disk (${errno}): check the volume`,
  Unknown: ({ ctx, what, errno }) => `${ctx.operation} of ${what} failed (${errno})`,
};

/** Translates a Node fs error; the original is kept as `cause` (paths and syscalls hold no secrets). */
export function toFsStorageError(
  err: unknown,
  ctx: FsErrorContext,
  override?: StorageErrorCode,
): StorageError {
  if (err instanceof StorageError) return err;
  const errno = (err as { code?: unknown })?.code;
  const reason =
    typeof errno === 'string' ? errno : err instanceof Error ? err.message : String(err);
  const code: StorageErrorCode = isAbortError(err)
    ? 'Aborted'
    : (override ?? BY_CODE[reason] ?? 'Unknown');
  const what = ctx.key === undefined ? ctx.location : `"${ctx.key}" in ${ctx.location}`;
  return new StorageError(code, MESSAGES[code]({ ctx, what, errno: reason }), {
    detail: { reason },
    cause: err,
  });
}
