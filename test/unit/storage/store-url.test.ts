import { parseStoreUrl, type StoreConfig } from '../../../src/storage/index.js';
import { S3_URL_PARAMETERS } from '../../../src/storage/s3/plugin.js';

describe('parseStoreUrl: valid destinations', () => {
  it.each<[string, string, StoreConfig]>([
    ['bucket only', 's3://backups', { kind: 's3', bucket: 'backups', prefix: '' }],
    ['bucket and trailing slash', 's3://backups/', { kind: 's3', bucket: 'backups', prefix: '' }],
    [
      'nested prefix',
      's3://backups/clusters/prod',
      { kind: 's3', bucket: 'backups', prefix: 'clusters/prod/' },
    ],
    [
      'prefix with trailing slash',
      's3://backups/a/b/',
      { kind: 's3', bucket: 'backups', prefix: 'a/b/' },
    ],
    [
      'percent-encoded prefix',
      's3://backups/my%20cluster',
      { kind: 's3', bucket: 'backups', prefix: 'my cluster/' },
    ],
    [
      'every parameter',
      's3://b-1.x/p?endpoint=https://minio.local:9000/&region=eu-west-1&pathStyle=false&caBundle=/etc/ca.pem' +
        '&sse=aws:kms&kmsKeyId=arn:aws:kms:eu-west-1:1:key/abc&storageClass=STANDARD_IA&checksum=CRC32C' +
        '&partSizeMiB=64&queueSize=4',
      {
        kind: 's3',
        bucket: 'b-1.x',
        prefix: 'p/',
        endpoint: 'https://minio.local:9000',
        region: 'eu-west-1',
        forcePathStyle: false,
        caBundle: '/etc/ca.pem',
        sse: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/abc',
        storageClass: 'STANDARD_IA',
        checksum: 'CRC32C',
        partSizeMiB: 64,
        queueSize: 4,
      },
    ],
    ['SSE-S3', 's3://bkt/p?sse=AES256', { kind: 's3', bucket: 'bkt', prefix: 'p/', sse: 'AES256' }],
    [
      'checksums off',
      's3://bkt?checksum=none',
      { kind: 's3', bucket: 'bkt', prefix: '', checksum: 'none' },
    ],
    ['file path', 'file:///var/backups', { kind: 'file', directory: '/var/backups' }],
    [
      'file path with trailing slash',
      'file:///var/backups/',
      { kind: 'file', directory: '/var/backups' },
    ],
    ['file path via localhost', 'file://localhost/var/b', { kind: 'file', directory: '/var/b' }],
    [
      'encoded file path',
      'file:///mnt/my%20backups',
      { kind: 'file', directory: '/mnt/my backups' },
    ],
  ])('%s', (_name, url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(parseStoreUrl('s3://bucket/p'))).toBe(true);
  });
});

describe('parseStoreUrl: errors name the fix', () => {
  it.each<[string, string, RegExp]>([
    ['not a URL', 'backups', /is not a URL: use s3:\/\/bucket\/prefix/],
    ['unknown scheme', 'gs://bucket/p', /unsupported destination scheme "gs:\/\/": use s3:\/\//],
    ['missing bucket', 's3:///prefix', /names no bucket/],
    ['invalid bucket', 's3://a/p', /bucket name "a" is not valid/],
    [
      'relative file path read as host',
      'file://backups/daily',
      /absolute path: use file:\/\/\/absolute\/path \(a relative path\? "backups"/,
    ],
    ['file URL without slashes', 'file:backups', /file destinations need an absolute path/],
    ['file URL with a query', 'file:///b?x=1', /take no query parameters/],
    ['dot segments', 's3://bkt/a/../c', /must not contain "\." or "\.\." segments/],
    ['encoded dot segments', 's3://bkt/a/%2e%2e/c', /must not contain "\." or "\.\." segments/],
    ['double slash in prefix', 's3://bkt/a//c', /prefix: invalid object key .*empty path segment/],
    [
      'unknown parameter',
      's3://bkt/p?bucketRegion=x',
      /unknown query parameter "bucketRegion" in s3:\/\/ destination: valid ones are endpoint, region, pathStyle/,
    ],
    ['parameter given twice', 's3://bkt/p?region=a&region=b', /"region" is given twice/],
    ['empty parameter', 's3://bkt/p?region=', /"region" has no value/],
    [
      'pathStyle not boolean',
      's3://bkt/p?pathStyle=yes',
      /pathStyle must be true or false \(got "yes"\)/,
    ],
    [
      'part size too small',
      's3://bkt/p?partSizeMiB=4',
      /partSizeMiB must be an integer from 5 to 5120 \(got 4\)/,
    ],
    [
      'part size not a number',
      's3://bkt/p?partSizeMiB=16MiB',
      /partSizeMiB must be a whole number/,
    ],
    [
      'queue size too large',
      's3://bkt/p?queueSize=64',
      /queueSize must be an integer from 1 to 16/,
    ],
    [
      'unknown sse',
      's3://bkt/p?sse=aws:kms:dsse',
      /sse "aws:kms:dsse" is not supported: use one of AES256, aws:kms/,
    ],
    ['kmsKeyId without sse=aws:kms', 's3://bkt/p?kmsKeyId=k', /kmsKeyId needs sse=aws:kms/],
    ['kmsKeyId with SSE-S3', 's3://bkt/p?sse=AES256&kmsKeyId=k', /kmsKeyId needs sse=aws:kms/],
    [
      'unknown storage class',
      's3://bkt/p?storageClass=COLD',
      /storageClass "COLD" is not supported: use one of .*STANDARD_IA/,
    ],
    [
      'CRC64NVME (lib-storage cannot complete it)',
      's3://bkt/p?checksum=CRC64NVME',
      /checksum "CRC64NVME" is not supported: use one of CRC32, CRC32C, SHA1, SHA256, none/,
    ],
    [
      'endpoint not a URL',
      's3://bkt/p?endpoint=minio:9000',
      /endpoint must start with http:\/\/ or https:\/\//,
    ],
    [
      'endpoint with a query',
      's3://bkt/p?endpoint=http://m/%3Fx=1',
      /endpoint must not have a query/,
    ],
    ['relative caBundle', 's3://bkt/p?caBundle=ca.pem', /caBundle must be an absolute path/],
    ['bad region', 's3://bkt/p?region=EU West', /region "EU West" is not valid/],
  ])('%s', (_name, url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(
      expect.objectContaining({ code: 'InvalidConfig', message: expect.stringMatching(message) }),
    );
  });

  it('lists every valid parameter when one is unknown', () => {
    expect(() => parseStoreUrl('s3://bkt/p?nope=1')).toThrow(S3_URL_PARAMETERS.join(', '));
  });

  it.each([
    ['in the URL', 's3://AKIAEXAMPLE:s3cr3t-value@bucket/prefix'],
    ['as a user only', 's3://AKIAEXAMPLE@bucket/prefix'],
  ])(
    'refuses credentials %s, names the environment variables and never echoes them',
    (_name, url) => {
      const error = (() => {
        try {
          parseStoreUrl(url);
        } catch (err) {
          return err as Error;
        }
        throw new Error('no error');
      })();
      expect(error).toMatchObject({ code: 'InvalidConfig' });
      expect(error.message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
      expect(error.message).toContain('IRSA');
      expect(error.message).not.toContain('s3cr3t-value');
      expect(error.message).not.toContain('AKIAEXAMPLE');
    },
  );

  it('refuses credentials in the endpoint without echoing them', () => {
    expect(() => parseStoreUrl('s3://bkt/p?endpoint=https://AKIA:s3cr3t-value@minio:9000')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t-value') }),
    );
    expect(() => parseStoreUrl('s3://bkt/p?endpoint=https://AKIA:s3cr3t-value@minio:9000')).toThrow(
      'endpoint must not contain credentials',
    );
  });

  it('does not echo the value of an unknown parameter (it may be a secret)', () => {
    expect(() => parseStoreUrl('s3://bkt/p?X-Amz-Signature=deadbeefcafe')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('deadbeefcafe') }),
    );
  });

  it.each(['s3://k:s3cr3t-value@bad host/p', 'file://user:s3cr3t-value@localhost/var/b'])(
    'redacts userinfo when echoing a URL that does not parse: %s',
    (url) => {
      expect(() => parseStoreUrl(url)).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('s3cr3t-value') }),
      );
    },
  );
});
