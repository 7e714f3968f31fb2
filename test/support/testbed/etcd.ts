import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { resolveBinary, type Component } from './binaries.js';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';
import type { TlsFiles } from './tls.js';

export interface EtcdOptions {
  /** Working directory; data goes to `<dir>/data`, the log to `<dir>/etcd.log`. */
  readonly dir: string;
  readonly component?: Extract<Component, 'etcd-3.6' | 'etcd-3.5'>;
  readonly name?: string;
  /** Existing data directory to start from (e.g. one made by `etcdutl snapshot restore`). */
  readonly dataDir?: string;
  readonly extraArgs?: readonly string[];
  /** Fixed peer port, e.g. the one a restored data directory was made for. */
  readonly peerPort?: number;
  /** Serve clients over TLS, requiring client certificates signed by the same CA. */
  readonly tls?: TlsFiles;
}

export interface EtcdServer {
  readonly name: string;
  readonly endpoint: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly binary: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** GET /health; over mutual TLS when the member requires it. */
function healthy(endpoint: string, tls: TlsFiles | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const get = tls ? https.get : http.get;
    const options = tls
      ? {
          ca: readFileSync(tls.caFile),
          cert: readFileSync(tls.clientCertFile),
          key: readFileSync(tls.clientKeyFile),
        }
      : {};
    const req = get(`${endpoint}/health`, { ...options, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** A single-member etcd on free loopback ports, ready when `/health` says so. */
export async function startEtcd(options: EtcdOptions): Promise<EtcdServer> {
  const component = options.component ?? 'etcd-3.6';
  const name = options.name ?? 'default';
  const binary = resolveBinary('etcd', component);
  const [clientPort, peerPort] = [await freePort(), options.peerPort ?? (await freePort())];
  const endpoint = `${options.tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const tlsArgs = options.tls
    ? [
        `--cert-file=${options.tls.certFile}`,
        `--key-file=${options.tls.keyFile}`,
        `--trusted-ca-file=${options.tls.caFile}`,
        '--client-cert-auth',
      ]
    : [];
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = options.dataDir ?? path.join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  const proc = new ManagedProcess({
    name: `etcd(${component})`,
    command: binary,
    args: [
      `--name=${name}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${name}=${peerUrl}`,
      '--listen-metrics-urls=',
      '--log-level=warn',
      // A bed etcd never needs to survive a power cut; skip fsync for speed.
      '--unsafe-no-fsync',
      ...tlsArgs,
      ...(options.extraArgs ?? []),
    ],
    logFile: path.join(options.dir, 'etcd.log'),
  });
  await proc.waitUntil(() => healthy(endpoint, options.tls), 30_000, 'healthy');
  return { name, endpoint, peerUrl, dataDir, binary, process: proc, stop: () => proc.stop() };
}
