import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EtcdConnection } from '../../src/etcd/etcd-source.js';
import { Etcd3SnapshotSource } from '../../src/etcd/etcd3-source.js';
import { enableRootPassword } from '../support/etcd-auth.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { makeTlsFiles, type TlsFiles } from '../support/testbed/tls.js';

/**
 * A member with mutual TLS and auth: the errors must name the real cause even
 * when etcd3 authenticates first (on a channel of its own) and loses it.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'etcd-tls-auth-'));
const password = `pw-${randomBytes(8).toString('hex')}`;
let etcd: EtcdServer;
let tls: TlsFiles;
let otherCa: TlsFiles;

beforeAll(async () => {
  tls = makeTlsFiles(path.join(dir, 'pki'));
  otherCa = makeTlsFiles(path.join(dir, 'other-pki'), 'other-ca');
  etcd = await startEtcd({ dir: path.join(dir, 'etcd'), tls });
  await enableRootPassword(etcd, tls, password);
});

afterAll(async () => {
  await etcd?.stop();
});

function connection(ca: TlsFiles, auth = { username: 'root', password }): EtcdConnection {
  return {
    endpoints: [etcd.endpoint],
    tls: {
      ca: readFileSync(ca.caFile),
      cert: readFileSync(tls.clientCertFile),
      key: readFileSync(tls.clientKeyFile),
    },
    auth,
    dialTimeoutMs: 5000,
  };
}

async function pick(conn: EtcdConnection) {
  const source = new Etcd3SnapshotSource(conn);
  try {
    return await source.pickMember();
  } finally {
    await source.close();
  }
}

it('connects with the right CA and the root password', async () => {
  await expect(pick(connection(tls))).resolves.toMatchObject({ endpoint: etcd.endpoint });
});

it('a CA that did not sign the server, with a password: TlsError naming the CA, not Unreachable', async () => {
  const failure = pick(connection(otherCa));
  await expect(failure).rejects.toMatchObject({ name: 'EtcdError', code: 'TlsError' });
  await expect(failure).rejects.toThrow(/TLS handshake with etcd at .* check the CA \(ca\.crt\)/);
});

it('a wrong password over good TLS is still AuthFailed', async () => {
  await expect(
    pick(connection(tls, { username: 'root', password: 'not-the-password' })),
  ).rejects.toMatchObject({ code: 'AuthFailed' });
});
