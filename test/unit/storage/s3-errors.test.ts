import { StorageError, type StorageErrorCode } from '../../../src/storage/index.js';
import { codeFromMessage, errorFacts } from '../../../src/storage/s3/s3-error-facts.js';
import { toStorageError, type S3ErrorContext } from '../../../src/storage/s3/s3-errors.js';
import { expectNoSecrets } from '../../support/storage/secrets.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN0123456789';
const ctx: S3ErrorContext = {
  operation: 'put',
  bucket: 'backups',
  endpoint: 'https://minio.example:9000',
  location: 's3://backups/prod/',
  key: 'etcd/snap.db',
  secrets: [SECRET, TOKEN],
};

/** An S3 service exception as the SDK builds it. */
function serviceError(code: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`server says ${code}`), {
    name: code,
    Code: code,
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: 'REQ123' },
    ...extra,
  });
}

function systemError(code: string, message = `connect ${code} 10.0.0.1:443`): Error {
  return Object.assign(new Error(message), { code });
}

describe('toStorageError: classification', () => {
  it.each<[string, unknown, StorageErrorCode]>([
    ['NoSuchKey', serviceError('NoSuchKey', 404), 'NotFound'],
    [
      'HEAD 404 without a body',
      Object.assign(serviceError('NotFound', 404), { Code: undefined }),
      'NotFound',
    ],
    ['NoSuchUpload', serviceError('NoSuchUpload', 404), 'NotFound'],
    ['NoSuchBucket', serviceError('NoSuchBucket', 404), 'NoSuchBucket'],
    ['AccessDenied', serviceError('AccessDenied', 403), 'AccessDenied'],
    [
      'bare 403 (HEAD)',
      { name: 'Unknown', message: 'UnknownError', $metadata: { httpStatusCode: 403 } },
      'AccessDenied',
    ],
    ['InvalidAccessKeyId', serviceError('InvalidAccessKeyId', 403), 'InvalidCredentials'],
    ['SignatureDoesNotMatch', serviceError('SignatureDoesNotMatch', 403), 'InvalidCredentials'],
    ['ExpiredToken', serviceError('ExpiredToken', 400), 'InvalidCredentials'],
    ['InvalidToken', serviceError('InvalidToken', 400), 'InvalidCredentials'],
    ['versitygw unknown user', serviceError('XAdminUserNotFound', 404), 'InvalidCredentials'],
    [
      'no credentials in the chain',
      Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
      'InvalidCredentials',
    ],
    [
      'the SDK checksum of a download',
      new Error(
        'Checksum mismatch: expected "AAAAAA==" but received "BBBBBB==" in response header "x-amz-checksum-crc32".',
      ),
      'Corrupt',
    ],
    ['ECONNREFUSED', systemError('ECONNREFUSED'), 'Unreachable'],
    ['ENOTFOUND', systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND minio'), 'Unreachable'],
    ['EAI_AGAIN', systemError('EAI_AGAIN'), 'Unreachable'],
    ['ETIMEDOUT', systemError('ETIMEDOUT'), 'Unreachable'],
    [
      'SDK socket timeout',
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      'Unreachable',
    ],
    ['503 SlowDown', serviceError('SlowDown', 503), 'Unreachable'],
    [
      'bare 502',
      { name: 'Unknown', message: '', $metadata: { httpStatusCode: 502 } },
      'Unreachable',
    ],
    [
      'happy-eyeballs AggregateError',
      Object.assign(new AggregateError([systemError('ECONNREFUSED')]), {}),
      'Unreachable',
    ],
    [
      'code on the cause',
      Object.assign(new Error('fetch failed'), { cause: systemError('ECONNRESET') }),
      'Unreachable',
    ],
    [
      'self-signed in chain',
      systemError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      'TlsError',
    ],
    [
      'leaf not verifiable',
      systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      'TlsError',
    ],
    ['self-signed leaf', systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TlsError'],
    ['host name mismatch', systemError('ERR_TLS_CERT_ALTNAME_INVALID'), 'TlsError'],
    ['expired certificate', systemError('CERT_HAS_EXPIRED'), 'TlsError'],
    [
      'https to plain http',
      systemError('EPROTO', 'write EPROTO ... wrong version number'),
      'TlsError',
    ],
    ['abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'Aborted'],
    ['bad storage class', serviceError('InvalidStorageClass', 400), 'InvalidConfig'],
    ['KMS key missing', serviceError('KMS.NotFoundException', 400), 'InvalidConfig'],
    ['wrong region', serviceError('AuthorizationHeaderMalformed', 400), 'InvalidConfig'],
    ['feature not implemented', serviceError('NotImplemented', 501), 'InvalidConfig'],
    ['key too long', serviceError('KeyTooLongError', 400), 'InvalidKey'],
    ['MinIO disk full', serviceError('XMinioStorageFull', 507), 'NoSpace'],
    ['500 InternalError', serviceError('InternalError', 500), 'Unknown'],
    ['a string', 'weird', 'Unknown'],
  ])('%s -> %s', (_name, err, code) => {
    const mapped = toStorageError(err, ctx);
    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped.code).toBe(code);
  });

  it('keeps a StorageError as it is', () => {
    const original = new StorageError('Aborted', 'x');
    expect(toStorageError(original, ctx)).toBe(original);
  });

  it('marks only Unreachable and Unknown as transient', () => {
    expect(toStorageError(systemError('ECONNREFUSED'), ctx).transient).toBe(true);
    expect(toStorageError(serviceError('NoSuchBucket', 404), ctx).transient).toBe(false);
    expect(toStorageError(serviceError('SignatureDoesNotMatch', 403), ctx).transient).toBe(false);
  });
});

describe('toStorageError: messages name the fix and carry no secrets', () => {
  it.each<[string, unknown, string]>([
    [
      'NoSuchBucket',
      serviceError('NoSuchBucket', 404),
      'bucket "backups" does not exist at https://minio.example:9000: create it or fix destination.s3.bucket',
    ],
    [
      'NotFound',
      serviceError('NoSuchKey', 404),
      'object "etcd/snap.db" in s3://backups/prod/ does not exist',
    ],
    [
      'AccessDenied',
      serviceError('AccessDenied', 403),
      'access denied by https://minio.example:9000 to s3://backups/prod/ (AccessDenied, HTTP 403): grant s3:PutObject to the credentials in use',
    ],
    [
      'InvalidCredentials',
      serviceError('SignatureDoesNotMatch', 403),
      'https://minio.example:9000 rejected the S3 credentials (SignatureDoesNotMatch, HTTP 403): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the credentials Secret)',
    ],
    [
      'no credentials',
      Object.assign(new Error('x'), { name: 'CredentialsProviderError' }),
      'no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure IRSA, EKS pod identity or an instance profile',
    ],
    [
      'Unreachable',
      systemError('ECONNREFUSED'),
      "cannot reach https://minio.example:9000 (ECONNREFUSED): check the endpoint, DNS, network policies and the service's health",
    ],
    [
      'TLS untrusted',
      systemError('SELF_SIGNED_CERT_IN_CHAIN'),
      'TLS verification of https://minio.example:9000 failed (SELF_SIGNED_CERT_IN_CHAIN): the server certificate is not signed by a trusted CA: set caBundle to a PEM file with the CA that signed it',
    ],
    [
      'TLS host name',
      systemError('ERR_TLS_CERT_ALTNAME_INVALID'),
      'the server certificate does not name this host',
    ],
  ])('%s', (_name, err, message) => {
    expect(toStorageError(err, ctx).message).toContain(message);
  });

  it('names the KMS permissions when access to the key is what was denied', () => {
    const err = serviceError('AccessDenied', 403, {
      message: 'User is not authorized to perform: kms:GenerateDataKey',
    });
    expect(toStorageError(err, ctx).message).toContain(
      'grant s3:PutObject (and kms:GenerateDataKey/kms:Decrypt on the KMS key)',
    );
  });

  it('names the permission of each operation', () => {
    const denied = serviceError('AccessDenied', 403);
    expect(toStorageError(denied, { ...ctx, operation: 'check' }).message).toContain(
      'grant s3:ListBucket',
    );
    expect(toStorageError(denied, { ...ctx, operation: 'listIncomplete' }).message).toContain(
      's3:ListBucketMultipartUploads',
    );
    expect(toStorageError(denied, { ...ctx, operation: 'delete' }).message).toContain(
      's3:DeleteObject',
    );
  });

  it('drops the fields S3 attaches to signature errors and scrubs echoed secrets', () => {
    const err = serviceError('SignatureDoesNotMatch', 403, {
      message: `signature mismatch for key ${SECRET} with X-Amz-Signature=abcdef0123456789abcdef token ${TOKEN}`,
      StringToSign: `AWS4-HMAC-SHA256\n20250101T000000Z\n${SECRET}`,
      SignatureProvided: 'f'.repeat(64),
      CanonicalRequest: `x-amz-security-token:${TOKEN}`,
    });
    const mapped = toStorageError(err, ctx);
    expect(mapped.cause).toBeUndefined();
    expectNoSecrets(mapped, [SECRET, TOKEN, 'f'.repeat(64), 'abcdef0123456789abcdef']);
    const unknown = toStorageError(
      serviceError('InternalError', 500, { message: `boom ${SECRET} X-Amz-Credential=AKIA/x` }),
      ctx,
    );
    expectNoSecrets(unknown, [SECRET, 'AKIA/x']);
    expect(unknown.message).toContain('boom ***');
  });

  it('keeps safe diagnostics in detail', () => {
    expect(toStorageError(serviceError('NoSuchBucket', 404), ctx).detail).toEqual({
      reason: 'NoSuchBucket',
      httpStatus: 404,
      requestId: 'REQ123',
    });
  });
});

describe('errorFacts: errors the SDK wrapped because they came from another realm', () => {
  it.each([
    ['AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1', 'Error', 'ECONNREFUSED'],
    ['AWS SDK error wrapper for TimeoutError: write ECONNRESET', 'TimeoutError', 'ECONNRESET'],
    [
      "AWS SDK error wrapper for Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames",
      'Error',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    [
      'AWS SDK error wrapper for Error: self-signed certificate in certificate chain',
      'Error',
      'SELF_SIGNED_CERT_IN_CHAIN',
    ],
    [
      'AWS SDK error wrapper for Error: unable to verify the first certificate',
      'Error',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ],
  ])('%s', (message, name, code) => {
    expect(errorFacts(new Error(message))).toMatchObject({ name, code });
  });

  it('finds no code in ordinary messages', () => {
    expect(codeFromMessage('ERROR: something EVERYWHERE went wrong')).toBeUndefined();
  });
});
