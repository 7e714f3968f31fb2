import {
  S3ObjectStore,
  StorageError,
  openStore,
  parseStoreUrl,
  type ObjectStore,
} from '../../src/storage/index.js';
import { collect } from '../support/storage/contract/fixture.js';
import { MiB, generated } from '../support/storage/contract/sources.js';
import { expectNoSecrets } from '../support/storage/secrets.js';
import { useVersityGw } from '../support/storage/versitygw-store.js';

const BUCKET = 'errors';
const gateway = useVersityGw([BUCKET]);
const WRONG_SECRET = 'wrongSecretValue0123456789abcdefghij';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789';

/** Runs every operation of `store` and returns the errors (all must fail). */
async function failuresOf(store: ObjectStore): Promise<unknown[]> {
  const attempts: Array<() => Promise<unknown>> = [
    () => store.check(),
    () => store.putBytes('k', Buffer.from('x')),
    () => store.put('k', generated(6 * MiB), { contentType: 'application/octet-stream' }),
    () => store.get('k'),
    () => store.getBytes('k'),
    () => collect(store.list('')),
    () => store.listIncomplete(new Date()),
  ];
  const errors: unknown[] = [];
  for (const attempt of attempts) {
    errors.push(
      await attempt().then(
        () => 'no error',
        (err: unknown) => err,
      ),
    );
  }
  return errors;
}

function secrets(): string[] {
  return [gateway().server.secretAccessKey, WRONG_SECRET, SESSION_TOKEN];
}

describe('S3 errors against versitygw', () => {
  const stores: ObjectStore[] = [];
  afterEach(async () => Promise.all(stores.splice(0).map((s) => s.close())));
  const open = (options: Partial<ConstructorParameters<typeof S3ObjectStore>[0]>) => {
    const store = new S3ObjectStore({
      ...gateway().storeOptions(BUCKET, 'p'),
      maxAttempts: 1,
      ...options,
    });
    stores.push(store);
    return store;
  };

  it.each([
    ['a wrong secret', { secretAccessKey: WRONG_SECRET }],
    [
      'a wrong secret with a session token',
      { secretAccessKey: WRONG_SECRET, sessionToken: SESSION_TOKEN },
    ],
    [
      'an unknown access key id',
      { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: WRONG_SECRET },
    ],
  ])(
    'reports %s as InvalidCredentials on every operation, without leaking it',
    async (_label, creds) => {
      const server = gateway().server;
      const store = open({ credentials: { accessKeyId: server.accessKeyId, ...creds } });
      for (const error of await failuresOf(store)) {
        expect(error).toBeInstanceOf(StorageError);
        expect(error).toMatchObject({ code: 'InvalidCredentials' });
        expect((error as Error).message).toContain(
          `${server.endpoint} rejected the S3 credentials`,
        );
        expect((error as Error).message).toContain('AWS_SECRET_ACCESS_KEY');
        expectNoSecrets(error, secrets());
      }
    },
  );

  it('reports a missing bucket as NoSuchBucket, naming bucket, endpoint and fix', async () => {
    const store = open({ bucket: 'no-such-bucket' });
    const endpoint = gateway().server.endpoint;
    const errors = await failuresOf(store);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'NoSuchBucket' });
      // A put may first see its connection reset (the server answers before reading the body); the diagnosis adds a note.
      expect((error as Error).message).toMatch(
        new RegExp(
          `^bucket "no-such-bucket" does not exist at ${endpoint}: create it or fix destination\\.s3\\.bucket`,
        ),
      );
      expectNoSecrets(error, secrets());
    }
  });

  it('destroys the body when the upload fails on the server side', async () => {
    const body = generated(12 * MiB);
    await expect(open({ bucket: 'no-such-bucket' }).put('k', body)).rejects.toMatchObject({
      code: 'NoSuchBucket',
    });
    expect(body.destroyed).toBe(true);
  });

  it('reports a closed port as Unreachable, quickly, with the default retries', async () => {
    const store = open({ endpoint: 'http://127.0.0.1:1', maxAttempts: 3 });
    const started = Date.now();
    for (const error of await failuresOf(store)) {
      expect(error).toMatchObject({ code: 'Unreachable', detail: { reason: 'ECONNREFUSED' } });
      expect((error as Error).message).toContain('cannot reach http://127.0.0.1:1 (ECONNREFUSED)');
      expectNoSecrets(error, secrets());
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await store.check().catch((e: StorageError) => e))?.transient).toBe(true);
  }, 60_000);

  it('reports https against a plain-HTTP endpoint as TlsError with the http:// hint', async () => {
    const endpoint = gateway().server.endpoint.replace('http:', 'https:');
    const error = await open({ endpoint })
      .check()
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'TlsError' });
    expect((error as Error).message).toContain('use http://');
  });

  it('opens a store from a destination URL and credentials from the environment', async () => {
    const { server } = gateway();
    const env = {
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    };
    const url = `s3://${BUCKET}/from-url?endpoint=${server.endpoint}&region=${server.region}&partSizeMiB=5&checksum=SHA256`;
    const store = openStore(parseStoreUrl(url), env);
    stores.push(store);
    expect(store.location).toBe(`s3://${BUCKET}/from-url/`);
    await store.check();
    expect(await store.put('a/b.db', generated(11 * MiB))).toEqual({
      key: 'a/b.db',
      size: 11 * MiB,
    });
    expect((await collect(store.list(''))).map((o) => o.key)).toEqual(['a/b.db']);
    const wrong = openStore(parseStoreUrl(url), { ...env, AWS_SECRET_ACCESS_KEY: WRONG_SECRET });
    stores.push(wrong);
    const error = await wrong.check().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'InvalidCredentials' });
    expectNoSecrets(error, secrets());
  });

  describe('the SDK default credential chain (no key pair passed in)', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    });
    const url = () => `s3://${BUCKET}/chain?endpoint=${gateway().server.endpoint}`;

    it('finds credentials the chain provides (here: its environment provider)', async () => {
      const { server } = gateway();
      process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = server.secretAccessKey;
      const store = openStore(parseStoreUrl(url()), {});
      stores.push(store);
      await expect(store.check()).resolves.toBeUndefined();
    });

    it('reports a chain that finds nothing as InvalidCredentials naming the options', async () => {
      for (const name of Object.keys(process.env))
        if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, {
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      });
      const store = openStore(parseStoreUrl(url()), {});
      stores.push(store);
      const error = await store.check().catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'InvalidCredentials' });
      expect((error as Error).message).toContain('no S3 credentials found');
      expect((error as Error).message).toContain('IRSA');
    });
  });
});
