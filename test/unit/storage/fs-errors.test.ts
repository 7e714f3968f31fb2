import type { StorageErrorCode } from '../../../src/storage/index.js';
import { toFsStorageError } from '../../../src/storage/fs/fs-errors.js';

const ctx = { operation: 'put' as const, location: 'file:///var/backups', key: 'a/b.db' };
const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('toFsStorageError', () => {
  it.each<[string, StorageErrorCode, string]>([
    ['ENOENT', 'NotFound', 'object "a/b.db" in file:///var/backups does not exist'],
    ['EACCES', 'AccessDenied', 'securityContext.fsGroup'],
    ['EROFS', 'AccessDenied', 'mount the volume read-write'],
    [
      'ENOSPC',
      'NoSpace',
      'no space left under file:///var/backups (ENOSPC): free space, tighten retention or enlarge the volume',
    ],
    ['EDQUOT', 'NoSpace', 'enlarge the volume'],
    ['ENOTDIR', 'InvalidKey', 'a filesystem cannot hold both "a" and "a/b"'],
    ['ESTALE', 'Unreachable', 'check the NFS server'],
    ['EIO', 'Unknown', 'put of "a/b.db" in file:///var/backups failed (EIO)'],
  ])('%s -> %s', (code, expected, message) => {
    const mapped = toFsStorageError(errno(code), ctx);
    expect(mapped.code).toBe(expected);
    expect(mapped.message).toContain(message);
    expect(mapped.detail).toEqual({ reason: code });
  });

  it('maps cancellations to Aborted', () => {
    const abort = Object.assign(new Error('The operation was aborted'), {
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
    expect(toFsStorageError(abort, ctx).code).toBe('Aborted');
  });
});
