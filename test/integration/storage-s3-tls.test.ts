import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, parseStoreUrl, type ObjectStore } from '../../src/storage/index.js';
import { collect } from '../support/storage/contract/fixture.js';
import { MiB, digestOfGenerated, generated, sha256 } from '../support/storage/contract/sources.js';
import { expectNoSecrets } from '../support/storage/secrets.js';
import {
  makePki,
  opensslAvailable,
  startTlsProxy,
  type Pki,
  type TlsProxy,
} from '../support/storage/tls.js';
import { useVersityGw } from '../support/storage/versitygw-store.js';

const BUCKET = 'tls';
const haveOpenssl = opensslAvailable();
if (!haveOpenssl) {
  process.stderr.write(
    'storage-s3-tls: skipped, the openssl CLI is needed to issue test certificates\n',
  );
}

(haveOpenssl ? describe : describe.skip)(
  'S3 over TLS with a custom CA bundle (versitygw behind a TLS proxy)',
  () => {
    const gateway = useVersityGw([BUCKET]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'storage-tls-'));
    let pki: Pki;
    let good: TlsProxy;
    let wrongName: TlsProxy;
    const stores: ObjectStore[] = [];

    beforeAll(async () => {
      pki = makePki(dir);
      good = await startTlsProxy(gateway().server.endpoint, pki.server);
      wrongName = await startTlsProxy(gateway().server.endpoint, pki.wrongName);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([good?.close(), wrongName?.close()]);
      rmSync(dir, { recursive: true, force: true });
    });
    afterEach(async () => Promise.all(stores.splice(0).map((s) => s.close())));

    function open(endpoint: string, caBundle?: string): ObjectStore {
      const { server } = gateway();
      const ca = caBundle === undefined ? '' : `&caBundle=${caBundle}`;
      const url = `s3://${BUCKET}/p?endpoint=${endpoint}&partSizeMiB=5${ca}`;
      const env = {
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      };
      const store = openStore(parseStoreUrl(url), env);
      stores.push(store);
      return store;
    }

    it('works end to end when caBundle holds the signing CA, multipart uploads included', async () => {
      const store = open(good.endpoint, pki.caFile);
      await store.check();
      // Part uploads carry "Expect: 100-continue"; they must use the agent that trusts the CA too.
      expect(await store.put('big.db', generated(12 * MiB))).toEqual({
        key: 'big.db',
        size: 12 * MiB,
      });
      await store.putBytes('m.json', Buffer.from('{}'));
      expect(await sha256(await store.get('big.db'))).toBe(digestOfGenerated(12 * MiB));
      expect((await collect(store.list(''))).map((o) => o.key)).toEqual(['big.db', 'm.json']);
    });

    it.each([
      ['no caBundle', () => undefined],
      ['a caBundle with an unrelated CA', () => pki.otherCaFile],
    ])('fails with TlsError naming caBundle when given %s', async (_label, caFile) => {
      const store = open(good.endpoint, caFile());
      for (const attempt of [() => store.check(), () => store.put('k', generated(6 * MiB))]) {
        const error = await attempt().catch((err: unknown) => err);
        expect(error).toMatchObject({ code: 'TlsError' });
        expect((error as Error).message).toContain(`TLS verification of ${good.endpoint} failed`);
        expect((error as Error).message).toContain(
          'set caBundle to a PEM file with the CA that signed it',
        );
        expectNoSecrets(error, [gateway().server.secretAccessKey]);
      }
    });

    it('fails with TlsError when the certificate names another host', async () => {
      const error = await open(wrongName.endpoint, pki.caFile)
        .check()
        .catch((err: unknown) => err);
      expect(error).toMatchObject({
        code: 'TlsError',
        detail: { reason: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      });
      expect((error as Error).message).toContain('does not name this host');
    });

    it('refuses a caBundle file that is missing or holds no certificate', () => {
      expect(() => open(good.endpoint, path.join(dir, 'missing.pem'))).toThrow(
        expect.objectContaining({
          code: 'InvalidConfig',
          message: expect.stringContaining('cannot be read (ENOENT)'),
        }),
      );
      expect(() => open(good.endpoint, path.join(dir, 'server.ext'))).toThrow(
        expect.objectContaining({
          code: 'InvalidConfig',
          message: expect.stringContaining('holds no PEM certificate'),
        }),
      );
    });
  },
);
