import { AgentConfigError } from '../../../src/api/agent/index.js';
import {
  EXIT_CODES,
  exitCodeOf,
  explainError,
  type ProjectError,
} from '../../../src/api/errors.js';
import { SnapshotNotFoundError } from '../../../src/agent/restore/source.js';
import { TargetInUseError } from '../../../src/agent/restore/data-dir.js';
import { EtcdutlError } from '../../../src/agent/restore/etcdutl.js';
import { SnapshotFormatError } from '../../../src/bbolt/errors.js';
import { UsageError } from '../../../src/cli/command.js';
import { JobSpecError } from '../../../src/controller/jobs/wiring.js';
import { InvalidDurationError } from '../../../src/domain/duration.js';
import { EtcdError } from '../../../src/etcd/errors.js';
import { KubeError } from '../../../src/kube/errors.js';
import { EncryptionError } from '../../../src/snapshot/pipeline/encryption.js';
import { DigestError } from '../../../src/snapshot/pipeline/trailer-verifier.js';
import { RefusedError } from '../../../src/snapshot/restore/logical-restore.js';
import { StorageError } from '../../../src/storage/index.js';

describe('one error taxonomy: code -> category -> exit code, code -> reason', () => {
  const cases: Array<[string, ProjectError, number, string | undefined]> = [
    ['a bad flag', new UsageError('--x'), 2, undefined],
    ['a bad agent config', new AgentConfigError('x'), 2, 'InvalidConfig'],
    ['a bad duration', new InvalidDurationError('x'), 2, 'InvalidConfig'],
    ['a spec the Job builder refuses', new JobSpecError('x'), 2, 'InvalidSpec'],
    ['an unreachable etcd', new EtcdError('Unreachable', 'x'), 3, 'EtcdUnreachable'],
    ['an etcd timeout', new EtcdError('Timeout', 'x'), 3, 'EtcdUnreachable'],
    ['a wrong etcd password', new EtcdError('AuthFailed', 'x'), 3, 'EtcdAuthFailed'],
    ['https without a CA', new EtcdError('InvalidConfig', 'x'), 3, 'InvalidConfig'],
    ['a missing bucket', new StorageError('NoSuchBucket', 'x'), 4, 'BucketNotFound'],
    ['a denied store', new StorageError('AccessDenied', 'x'), 4, 'AccessDenied'],
    ['a bad destination URL', new StorageError('InvalidConfig', 'x'), 2, 'InvalidConfig'],
    ["the store's own checksum", new StorageError('Corrupt', 'x'), 5, 'ChecksumMismatch'],
    [
      'a missing snapshot',
      new SnapshotNotFoundError('NoSnapshotBefore', 'x'),
      4,
      'NoSnapshotBefore',
    ],
    ['a digest mismatch', new DigestError('DigestMismatch', 'x'), 5, 'ChecksumMismatch'],
    ['a corrupt database', new SnapshotFormatError('BadMagic', 'x'), 5, 'SnapshotCorrupt'],
    ['a wrong age identity', new EncryptionError('NoMatchingIdentity', 'x'), 5, 'DecryptionFailed'],
    ['a bad age recipient', new EncryptionError('InvalidRecipient', 'x'), 2, 'InvalidConfig'],
    ['a non-empty target', new RefusedError('x'), 6, 'TargetNotEmpty'],
    ['a target held by etcd', new TargetInUseError('x'), 6, 'TargetInUse'],
    ['etcdutl failing', new EtcdutlError('x'), 1, 'RestoreFailed'],
    ['an API failure', new KubeError('Conflict', 'x'), 1, undefined],
  ];

  it.each(cases)('%s', (_name, err, exitCode, reason) => {
    expect(exitCodeOf(err)).toBe(exitCode);
    expect(err.reason).toBe(reason);
    expect(EXIT_CODES[err.category]).toBe(exitCode);
  });

  it('a wrapper is explained by its cause: an aborted upload that was a digest mismatch', () => {
    const digest = new DigestError('DigestMismatch', 'the trailer does not match');
    const aborted = new StorageError('Aborted', 'upload aborted', { cause: digest });
    expect(explainError(aborted)).toEqual({
      reason: 'ChecksumMismatch',
      message: 'the trailer does not match',
      category: 'integrity',
    });
    expect(exitCodeOf(aborted)).toBe(5);
  });

  it('anything else is internal (exit 1) and unexplained', () => {
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf('a string')).toBe(1);
    expect(explainError(new Error('boom'))).toBeUndefined();
    expect(exitCodeOf(new StorageError('Unknown', 'x'))).toBe(4);
  });
});
