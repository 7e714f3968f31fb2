import { withFieldHint } from '../../../../src/controller/backup/failure-hints.js';

describe('withFieldHint', () => {
  it.each([
    [
      'EtcdTlsError',
      'TLS handshake with etcd at https://10.0.0.1:2379 failed: check the CA (ca.crt)',
      'spec.etcd.tlsSecretRef or spec.etcd.tlsFiles',
    ],
    ['BucketNotFound', 'bucket "b" does not exist', 'spec.destination.s3.bucket'],
    ['AccessDenied', 'grant s3:PutObject', 'spec.destination.s3.credentialsSecretRef'],
  ])('%s names the field to fix', (reason, message, field) => {
    const hinted = withFieldHint(reason, message);
    expect(hinted.startsWith(message)).toBe(true);
    expect(hinted).toContain(field);
  });

  it('leaves messages that already name a field, and unknown reasons, as they are', () => {
    expect(withFieldHint('EtcdUnreachable', 'check spec.etcd.endpoints')).toBe(
      'check spec.etcd.endpoints',
    );
    expect(withFieldHint('SnapshotCorrupt', 'page 7 is not a leaf')).toBe('page 7 is not a leaf');
  });
});
