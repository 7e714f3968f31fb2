import type { IOptions } from 'etcd3';
import { DEFAULT_DIAL_TIMEOUT_MS, type EtcdConnection } from './etcd-source.js';
import { EtcdError } from './errors.js';

/** etcd3 options for `hosts` of a connection: dial timeout, TLS and auth; https needs a CA. */
export function etcd3Options(connection: EtcdConnection, hosts: readonly string[]): IOptions {
  const tls = connection.tls;
  const insecure = hosts.find((h) => h.startsWith('https://') && !tls?.ca);
  if (insecure) {
    throw new EtcdError(
      'InvalidConfig',
      `${insecure} uses https but no CA was given: provide ca.crt in the TLS Secret (or --cacert)`,
    );
  }
  return {
    hosts: [...hosts],
    dialTimeout: connection.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    ...(tls?.ca
      ? { credentials: { rootCertificate: tls.ca, privateKey: tls.key, certChain: tls.cert } }
      : {}),
    ...(connection.auth
      ? { auth: { username: connection.auth.username, password: connection.auth.password } }
      : {}),
  };
}
