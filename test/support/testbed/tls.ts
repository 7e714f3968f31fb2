import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/**
 * A throwaway CA with a server certificate for 127.0.0.1/localhost and a
 * client certificate (CN=root, which etcd maps to its root user), made with
 * the openssl CLI: Node cannot issue X.509 certificates itself.
 */
export function makeTlsFiles(dir: string, name = 'ca'): TlsFiles {
  mkdirSync(dir, { recursive: true });
  const ext = path.join(dir, 'server.ext');
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const clientExt = path.join(dir, 'client.ext');
  writeFileSync(clientExt, 'extendedKeyUsage=clientAuth\n');
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...key,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
  openssl(
    ['req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=etcd-server'],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    dir,
  );
  openssl(['req', ...key, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=root'], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'client.crt',
      '-days',
      '2',
      '-extfile',
      clientExt,
    ],
    dir,
  );
  return {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
    clientCertFile: path.join(dir, 'client.crt'),
    clientKeyFile: path.join(dir, 'client.key'),
  };
}
