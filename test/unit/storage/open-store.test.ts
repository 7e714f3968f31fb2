import {
  FsObjectStore,
  S3ObjectStore,
  credentialsFromEnv,
  openStore,
  parseStoreUrl,
  validateStoreConfig,
} from '../../../src/storage/index.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('openStore', () => {
  it('opens an S3 store without any I/O or network access', async () => {
    const store = openStore(parseStoreUrl('s3://backups/prod?endpoint=http://127.0.0.1:1'), {});
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(store.location).toBe('s3://backups/prod/');
    await store.close();
  });

  it('opens a filesystem store', () => {
    const store = openStore(parseStoreUrl('file:///var/backups'));
    expect(store).toBeInstanceOf(FsObjectStore);
    expect(store.location).toBe('file:///var/backups');
  });

  it('reads the CA bundle named by the destination', async () => {
    const read: string[] = [];
    const store = openStore(parseStoreUrl('s3://b-1/p?caBundle=/etc/ca.pem'), {}, (file) => {
      read.push(file);
      return PEM;
    });
    expect(read).toEqual(['/etc/ca.pem']);
    await store.close();
  });

  it.each([
    [
      'unreadable',
      () => {
        throw Object.assign(new Error('nope'), { code: 'EACCES' });
      },
      'caBundle /etc/ca.pem cannot be read (EACCES): mount the CA file there',
    ],
    ['not PEM', () => 'hello', 'caBundle /etc/ca.pem holds no PEM certificate'],
  ])('refuses a CA bundle that is %s', (_name, readFile, message) => {
    expect(() => openStore(parseStoreUrl('s3://b-1/p?caBundle=/etc/ca.pem'), {}, readFile)).toThrow(
      expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining(message) }),
    );
  });

  it('validates configs built without a URL (e.g. from CRD fields)', () => {
    expect(() => openStore({ kind: 's3', bucket: 'ok-bucket', prefix: 'a/../b' })).toThrow(
      expect.objectContaining({ code: 'InvalidConfig' }),
    );
    expect(() => openStore({ kind: 'file', directory: 'relative/dir' })).toThrow(
      'directory must be absolute (got "relative/dir"): use file:///absolute/path',
    );
    expect(validateStoreConfig({ kind: 's3', bucket: 'ok-bucket', prefix: '/x/y' })).toEqual({
      kind: 's3',
      bucket: 'ok-bucket',
      prefix: 'x/y/',
    });
  });
});

describe('credentialsFromEnv', () => {
  it('returns explicit credentials from a key pair', () => {
    expect(
      credentialsFromEnv({
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 's',
        AWS_SESSION_TOKEN: 't',
      }),
    ).toEqual({
      accessKeyId: 'AKIA',
      secretAccessKey: 's',
      sessionToken: 't',
    });
  });

  it('leaves the default chain in charge when no key is set (IRSA, pod identity, instance profile)', () => {
    expect(
      credentialsFromEnv({
        AWS_ROLE_ARN: 'arn:aws:iam::1:role/r',
        AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ AWS_ACCESS_KEY_ID: 'AKIA' }, 'AWS_SECRET_ACCESS_KEY is not set while its pair is'],
    [
      { AWS_SECRET_ACCESS_KEY: 'super-secret-value' },
      'AWS_ACCESS_KEY_ID is not set while its pair is',
    ],
  ])('refuses half a key pair: %j', (env, message) => {
    expect(() => credentialsFromEnv(env)).toThrow(
      expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining(message) }),
    );
    expect(() => credentialsFromEnv(env)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('super-secret-value') }),
    );
  });
});
