import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolveBinary } from './testbed/binaries.js';
import type { EtcdServer } from './testbed/etcd.js';
import type { TlsFiles } from './testbed/tls.js';

/**
 * Turns on etcd auth with a root user and `password`, through etcdctl over
 * the member's mutual TLS (the client certificate's CN=root keeps working).
 */
export async function enableRootPassword(
  etcd: EtcdServer,
  tls: TlsFiles,
  password: string,
): Promise<void> {
  const etcdctl = (...args: string[]) =>
    promisify(execFile)(resolveBinary('etcdctl'), [
      `--endpoints=${etcd.endpoint}`,
      `--cacert=${tls.caFile}`,
      `--cert=${tls.clientCertFile}`,
      `--key=${tls.clientKeyFile}`,
      ...args,
    ]);
  await etcdctl('user', 'add', 'root', `--new-user-password=${password}`);
  await etcdctl('user', 'grant-role', 'root', 'root');
  await etcdctl('auth', 'enable');
}
