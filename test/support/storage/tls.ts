// Certificates made with the openssl CLI (Node cannot issue X.509 certificates)
// and a TLS-terminating proxy in front of versitygw.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): string {
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return path.join(dir, `${name}.pem`);
}

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

function makeLeaf(dir: string, ca: string, name: string, subjectAltName: string): KeyPair {
  writeFileSync(
    path.join(dir, `${name}.ext`),
    `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
  return {
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8'),
  };
}

export interface Pki {
  /** The CA that signed both server certificates. */
  readonly caFile: string;
  /** A CA that signed nothing we serve. */
  readonly otherCaFile: string;
  /** For 127.0.0.1 and localhost. */
  readonly server: KeyPair;
  /** Signed by the right CA, for another host name. */
  readonly wrongName: KeyPair;
}

export function makePki(dir: string): Pki {
  const caFile = makeCa(dir, 'ca');
  const otherCaFile = makeCa(dir, 'other-ca');
  return {
    caFile,
    otherCaFile,
    server: makeLeaf(dir, 'ca', 'server', 'IP:127.0.0.1,DNS:localhost'),
    wrongName: makeLeaf(dir, 'ca', 'wrong-name', 'DNS:wrong-name.example'),
  };
}

export interface TlsProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Terminates TLS with `pair` and forwards the bytes to `target` (an http:// endpoint). */
export async function startTlsProxy(target: string, pair: KeyPair): Promise<TlsProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: pair.key, cert: pair.cert }, (client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  server.on('tlsClientError', () => {}); // the failing-verification tests cause these on purpose
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
