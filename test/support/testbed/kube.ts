import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { resolveBinary } from './binaries.js';
import { ManagedProcess } from './managed-process.js';
import { kubeconfigYaml, writeApiServerSecrets } from './pki.js';
import { freePort } from './ports.js';

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly kubeconfigPath: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** GET over TLS; `ca` undefined skips verification (only for components' self-signed health ports). */
function httpsGet(
  url: string,
  options: { ca?: Buffer; token?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      {
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** kube-apiserver with RBAC, a token-authenticated admin in system:masters, and fresh SA keys. */
export async function startApiServer(options: {
  dir: string;
  etcdEndpoint: string;
}): Promise<ApiServer> {
  const dir = options.dir;
  mkdirSync(path.join(dir, 'pki'), { recursive: true });
  const secrets = writeApiServerSecrets(dir);
  const port = await freePort();
  const proc = new ManagedProcess({
    name: 'kube-apiserver',
    command: resolveBinary('kube-apiserver'),
    args: [
      `--etcd-servers=${options.etcdEndpoint}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${path.join(dir, 'pki')}`,
      `--token-auth-file=${secrets.tokenFile}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${secrets.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${secrets.serviceAccountSigningKey}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--allow-privileged=true',
      // The node agent's Node has an unresolvable hostname: reach its log endpoint by IP.
      '--kubelet-preferred-address-types=InternalIP',
      '--v=1',
    ],
    logFile: path.join(dir, 'kube-apiserver.log'),
  });
  const url = `https://127.0.0.1:${port}`;
  // The apiserver writes its self-signed serving certificate (with its CA) here at start.
  const caFile = path.join(dir, 'pki', 'apiserver.crt');
  await proc.waitUntil(
    async () => {
      const ca = readFileSync(caFile);
      const res = await httpsGet(`${url}/readyz`, { ca, token: secrets.adminToken });
      return res.status === 200;
    },
    90_000,
    'ready',
  );
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml(url, caFile, secrets.adminToken), { mode: 0o600 });
  return { url, port, caFile, kubeconfigPath, process: proc, stop: () => proc.stop() };
}

/** The controllers the bed needs: Jobs and what keeps namespaces and owned objects tidy. */
export const BED_CONTROLLERS = [
  'job-controller',
  'garbage-collector-controller',
  'ttl-after-finished-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'root-ca-certificate-publisher-controller',
  // The install suite runs the operator's own Deployment.
  'deployment-controller',
  'replicaset-controller',
];

export async function startControllerManager(options: {
  dir: string;
  apiServer: ApiServer;
}): Promise<{ process: ManagedProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const kubeconfig = options.apiServer.kubeconfigPath;
  const proc = new ManagedProcess({
    name: 'kube-controller-manager',
    command: resolveBinary('kube-controller-manager'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      `--controllers=${BED_CONTROLLERS.join(',')}`,
      `--root-ca-file=${options.apiServer.caFile}`,
      '--leader-elect=false',
      '--use-service-account-credentials=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${path.join(options.dir, 'kcm-pki')}`,
      '--v=1',
    ],
    logFile: path.join(options.dir, 'kube-controller-manager.log'),
  });
  await proc.waitUntil(
    async () => (await httpsGet(`https://127.0.0.1:${port}/healthz`, {})).status === 200,
    60_000,
    'healthy',
  );
  return { process: proc, stop: () => proc.stop() };
}
