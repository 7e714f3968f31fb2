import { classifyError, toAgentResult, truncateResult } from '../../../src/agent/backup-result.js';
import { AgentConfigError } from '../../../src/api/agent/index.js';
import { TERMINATION_MESSAGE_LIMIT, type BackupAgentResult } from '../../../src/api/agent/index.js';
import { InvalidRetentionPolicyError } from '../../../src/domain/retention.js';
import { EtcdError } from '../../../src/etcd/errors.js';
import { SnapshotFormatError } from '../../../src/bbolt/errors.js';
import { EncryptionError } from '../../../src/snapshot/pipeline/encryption.js';
import type { SnapshotManifest } from '../../../src/snapshot/catalog/manifest.js';
import { DigestError } from '../../../src/snapshot/pipeline/trailer-verifier.js';
import { StorageError } from '../../../src/storage/index.js';

const manifest: SnapshotManifest = {
  apiVersion: 'etcdsnapshot.dev/v1alpha1',
  kind: 'SnapshotManifest',
  name: 'nightly',
  key: 'nightly/20260301T060000Z-r00000000000000012345.db.zst',
  revision: '12345',
  etcdVersion: '3.6.16',
  clusterId: 'cdf818194e3a8c32',
  memberId: '8e9e05c52164694d',
  endpoint: 'https://10.0.0.10:2379',
  raw: { sha256: 'ab'.repeat(32), size: 104_857_600 },
  stored: { sha256: 'cd'.repeat(32), size: 20_971_520 },
  compression: 'zstd',
  encryption: null,
  startTime: '2026-03-01T06:00:00.000Z',
  endTime: '2026-03-01T06:01:30.000Z',
  tool: { name: 'etcd-snapshot', version: '0.1.0' },
  content: null,
};
const uri = 's3://etcd-backups/clusters/prod/nightly/20260301T060000Z-r00000000000000012345.db.zst';

describe('classifyError', () => {
  it.each([
    ['etcd unreachable', new EtcdError('Unreachable', 'cannot connect'), 'EtcdUnreachable'],
    ['etcd timeout', new EtcdError('Timeout', 'slow'), 'EtcdUnreachable'],
    ['etcd auth', new EtcdError('AuthFailed', 'bad password'), 'EtcdAuthFailed'],
    ['etcd permission', new EtcdError('PermissionDenied', 'not root'), 'EtcdAuthFailed'],
    ['etcd tls', new EtcdError('TlsError', 'handshake'), 'EtcdTlsError'],
    ['etcd config', new EtcdError('InvalidConfig', 'no endpoint'), 'InvalidConfig'],
    ['etcd stream', new EtcdError('StreamInterrupted', 'cut'), 'Failed'],
    ['store unreachable', new StorageError('Unreachable', 'no route'), 'StoreUnreachable'],
    ['store denied', new StorageError('AccessDenied', 'denied'), 'AccessDenied'],
    ['no bucket', new StorageError('NoSuchBucket', 'missing'), 'BucketNotFound'],
    ['bad keys', new StorageError('InvalidCredentials', 'bad keys'), 'InvalidCredentials'],
    ['store tls', new StorageError('TlsError', 'ca'), 'StoreTlsError'],
    ['store config', new StorageError('InvalidConfig', 'bad url'), 'InvalidConfig'],
    ['store full', new StorageError('NoSpace', 'full'), 'Failed'],
    ['digest', new DigestError('DigestMismatch', 'sha256 differs'), 'ChecksumMismatch'],
    ['format', new SnapshotFormatError('BadMagic', 'not bbolt'), 'SnapshotCorrupt'],
    ['agent config', new AgentConfigError('bad'), 'InvalidConfig'],
    ['retention', new InvalidRetentionPolicyError('keepLast'), 'InvalidConfig'],
    ['recipient', new EncryptionError('InvalidRecipient', 'age1?'), 'InvalidConfig'],
    ['anything else', new Error('boom'), 'Failed'],
    ['a non-error', 'a string', 'Failed'],
  ] as const)('%s -> %s', (_name, err, reason) => {
    expect(classifyError(err).reason).toBe(reason);
  });

  it('finds the real failure along the cause chain, with its message', () => {
    const digest = new DigestError('DigestMismatch', "etcd's sha256 does not match");
    const wrapped = new StorageError('Aborted', 'upload was aborted', { cause: digest });
    expect(classifyError(wrapped)).toEqual({
      reason: 'ChecksumMismatch',
      message: "etcd's sha256 does not match",
    });
    expect(classifyError(new Error('outer', { cause: new Error('inner') }))).toEqual({
      reason: 'Failed',
      message: 'outer',
    });
  });
});

describe('toAgentResult', () => {
  it('describes a saved snapshot and its retention', () => {
    const result = toAgentResult({
      ok: true,
      manifest,
      uri,
      retention: { snapshots: 4, totalStoredBytes: 83_886_080, removed: 1 },
    });
    expect(result).toEqual({
      kind: 'BackupAgentResult',
      succeeded: true,
      reason: 'Succeeded',
      message: expect.stringContaining(`saved ${uri}: revision 12345`),
      snapshot: {
        key: manifest.key,
        uri,
        size: 104_857_600,
        storedSize: 20_971_520,
        sha256: 'ab'.repeat(32),
        revision: '12345',
        etcdVersion: '3.6.16',
        clusterId: 'cdf818194e3a8c32',
        startTime: '2026-03-01T06:00:00.000Z',
        endTime: '2026-03-01T06:01:30.000Z',
      },
      retention: { snapshots: 4, totalStoredBytes: 83_886_080, removed: 1 },
    });
    expect(result.message).toMatch(/retention removed 1, kept 4 \(80 MiB\)/);
  });

  it('still succeeds when retention failed, saying so', () => {
    const result = toAgentResult({
      ok: true,
      manifest,
      uri,
      retention: { snapshots: 0, totalStoredBytes: 0, removed: 0, error: 'listing failed' },
    });
    expect(result).toMatchObject({ succeeded: true, reason: 'Succeeded' });
    expect(result.retention?.error).toBe('listing failed');
    expect(result.message).toMatch(/retention failed \(the snapshot is safe\): listing failed/);
  });

  it('reports a failure with its reason and message, without a snapshot', () => {
    const result = toAgentResult({
      ok: false,
      error: new EtcdError('Unreachable', 'cannot connect to etcd at http://10.0.0.1:2379'),
    });
    expect(result).toEqual({
      kind: 'BackupAgentResult',
      succeeded: false,
      reason: 'EtcdUnreachable',
      message: 'cannot connect to etcd at http://10.0.0.1:2379',
    });
  });

  it('masks secret values and credential-shaped text in every message', () => {
    const secrets = ['hunter2-etcd-password', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];
    const failed = toAgentResult(
      {
        ok: false,
        error: new Error(
          `server said: bad password hunter2-etcd-password at https://user:pw@host?X-Amz-Signature=abcdef0123`,
        ),
      },
      { secrets },
    );
    const retention = toAgentResult(
      {
        ok: true,
        manifest,
        uri,
        retention: { snapshots: 0, totalStoredBytes: 0, removed: 0, error: `key ${secrets[1]}` },
      },
      { secrets },
    );
    const text = JSON.stringify([failed, retention]);
    for (const s of [...secrets, 'user:pw', 'abcdef0123']) expect(text).not.toContain(s);
    expect(failed.message).toContain('***');
  });
});

describe('truncateResult', () => {
  const failure = (message: string): BackupAgentResult => ({
    kind: 'BackupAgentResult',
    succeeded: false,
    reason: 'Failed',
    message,
  });
  const size = (r: BackupAgentResult) => Buffer.byteLength(JSON.stringify(r), 'utf8');

  it('leaves a result that fits alone', () => {
    const r = toAgentResult({ ok: true, manifest, uri });
    expect(truncateResult(r)).toBe(r);
  });

  it.each([
    ['ASCII', 'x'.repeat(10_000)],
    ['multi-byte', '€🙂'.repeat(3_000)],
    ['characters JSON escapes', '"\\\n\u0001'.repeat(3_000)],
  ])('shortens a long %s message to fit, keeping whole characters and valid JSON', (_n, text) => {
    const r = truncateResult(failure(text));
    expect(size(r)).toBeLessThanOrEqual(TERMINATION_MESSAGE_LIMIT);
    expect(size(r)).toBeGreaterThan(TERMINATION_MESSAGE_LIMIT - 16);
    expect(r.message.endsWith('…')).toBe(true);
    expect(text.startsWith(r.message.slice(0, -1))).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({
      kind: 'BackupAgentResult',
      reason: 'Failed',
    });
  });

  it('keeps every structured field whole while shortening the free text', () => {
    const long = toAgentResult({
      ok: true,
      manifest,
      uri,
      retention: { snapshots: 3, totalStoredBytes: 10, removed: 2, error: 'e'.repeat(8_000) },
    });
    const r = truncateResult(long);
    expect(size(r)).toBeLessThanOrEqual(TERMINATION_MESSAGE_LIMIT);
    expect(r.snapshot).toEqual(long.snapshot);
    expect(r.retention).toMatchObject({ snapshots: 3, totalStoredBytes: 10, removed: 2 });
    expect(Buffer.byteLength(r.retention!.error!, 'utf8')).toBeLessThanOrEqual(1024);
    expect(r.message).toMatch(/^saved s3:\/\//);
  });

  it('honours a smaller limit and refuses one nothing fits in', () => {
    expect(size(truncateResult(failure('y'.repeat(500)), 200))).toBeLessThanOrEqual(200);
    expect(() => truncateResult(failure('y'.repeat(500)), 20)).toThrow(RangeError);
  });
});
