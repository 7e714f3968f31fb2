import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { isOperatorImage, defaultImage } from '../../../src/config/image.js';
import { resolveBinary } from './binaries.js';
import { productEntrypoint } from './entrypoint.js';
import { startEtcd, type EtcdServer } from './etcd.js';
import { startApiServer, startControllerManager, type ApiServer } from './kube.js';
import { tail } from './managed-process.js';
import { NodeAgent } from './node-agent/node-agent.js';
import { createFileLog } from './file-log.js';
import { startVersityGw, type S3Server } from './versitygw.js';

export interface TestBedOptions {
  /** Where state and logs go; a fresh temp directory by default. */
  readonly dir?: string;
  /** Progress lines (component started, timings); silent by default. */
  readonly progress?: (line: string) => void;
  /**
   * Start the node agent (default true). Without it no Node exists, so Pods
   * stay Pending: Jobs and their Pods are still created, nothing runs.
   */
  readonly nodeAgent?: boolean;
}

export interface TestBed {
  readonly dir: string;
  readonly etcd: EtcdServer;
  readonly s3: S3Server;
  readonly apiServer: ApiServer;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  /** kubectl of the same release as the API server. */
  readonly kubectl: string;
  /** The image the node agent runs as the project's own entrypoint. */
  readonly operatorImage: string;
  readonly nodeName: string;
  /** Milliseconds each component took to become ready, and the total. */
  readonly timings: Readonly<Record<string, number>>;
  /** Every component's log file, by component name. */
  readonly logFiles: Readonly<Record<string, string>>;
  /**
   * Creates a namespace and waits for its `default` ServiceAccount (the
   * serviceaccount controller adds it; until then admission rejects Pods).
   */
  createNamespace(name: string): Promise<void>;
  /** Where the node agent writes a container's stdout and stderr. */
  podLogFile(pod: V1Pod, container: string): string;
  /** The last lines of every component log, for failure reports. */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

export const BED_NODE_NAME = 'bed-node';

async function timed<T>(
  timings: Record<string, number>,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  const result = await fn();
  timings[name] = Math.round(performance.now() - start);
  return result;
}

async function createNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`namespace ${name} got no default ServiceAccount in 30 s`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts etcd, versitygw, kube-apiserver, kube-controller-manager and the node
 * agent on free loopback ports. On any start-up failure, whatever did start is
 * stopped again before the error propagates.
 */
export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'etcd-snapshot-bed-'));
  mkdirSync(dir, { recursive: true });
  const progress = options.progress ?? (() => {});
  const timings: Record<string, number> = {};
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {});
  };
  const logFiles: Record<string, string> = {
    etcd: path.join(dir, 'etcd', 'etcd.log'),
    versitygw: path.join(dir, 's3', 'versitygw.log'),
    'kube-apiserver': path.join(dir, 'kube', 'kube-apiserver.log'),
    'kube-controller-manager': path.join(dir, 'kube', 'kube-controller-manager.log'),
    'node-agent': path.join(dir, 'node-agent.log'),
  };
  const start = performance.now();
  try {
    const cmd = productEntrypoint();
    const [etcd, s3] = await Promise.all([
      timed(timings, 'etcd', () => startEtcd({ dir: path.join(dir, 'etcd') })),
      timed(timings, 'versitygw', () => startVersityGw({ dir: path.join(dir, 's3') })),
    ]);
    stoppers.push(
      () => etcd.stop(),
      () => s3.stop(),
    );
    progress(`etcd ${etcd.endpoint} and versitygw ${s3.endpoint} ready`);
    const apiServer = await timed(timings, 'kube-apiserver', () =>
      startApiServer({ dir: path.join(dir, 'kube'), etcdEndpoint: etcd.endpoint }),
    );
    stoppers.push(() => apiServer.stop());
    progress(`kube-apiserver ${apiServer.url} ready`);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(apiServer.kubeconfigPath);
    const agent = new NodeAgent({
      kubeConfig,
      nodeName: BED_NODE_NAME,
      workDir: path.join(dir, 'node'),
      images: isOperatorImage,
      entrypoint: cmd,
      apiServerHost: '127.0.0.1',
      apiServerPort: apiServer.port,
      log: createFileLog(logFiles['node-agent']!),
    });
    const withAgent = options.nodeAgent ?? true;
    const [kcm] = await Promise.all([
      timed(timings, 'kube-controller-manager', () =>
        startControllerManager({ dir: path.join(dir, 'kube'), apiServer }),
      ),
      withAgent ? timed(timings, 'node-agent', () => agent.start()) : undefined,
    ]);
    stoppers.push(() => kcm.stop());
    if (withAgent) stoppers.push(() => agent.stop());
    timings.total = Math.round(performance.now() - start);
    progress(`test bed ready in ${(timings.total / 1000).toFixed(1)} s (${dir})`);
    return {
      dir,
      etcd,
      s3,
      apiServer,
      kubeconfigPath: apiServer.kubeconfigPath,
      kubeConfig,
      kubectl: resolveBinary('kubectl'),
      operatorImage: defaultImage(),
      nodeName: BED_NODE_NAME,
      timings,
      logFiles,
      createNamespace: (name) => createNamespace(kubeConfig, name),
      podLogFile: (pod, container) =>
        path.join(
          dir,
          'node',
          'pods',
          `${pod.metadata?.namespace}_${pod.metadata?.name}_${pod.metadata?.uid}`,
          `${container}.log`,
        ),
      logTails: (lines = 30) =>
        Object.entries(logFiles)
          .map(([name, file]) => `----- ${name} (${file}) -----\n${tail(file, lines)}`)
          .join('\n'),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
