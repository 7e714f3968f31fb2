import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './testbed/binaries.js';
import { productEntrypoint } from './testbed/entrypoint.js';
import { ManagedProcess } from './testbed/managed-process.js';
import { freePort } from './testbed/ports.js';
import type { TestBed } from './testbed/testbed.js';

/**
 * kubectl against the bed, asynchronously: the bed's node agent runs in this
 * process, so a synchronous child (execFileSync of `kubectl wait`) would
 * freeze it and no Pod would be bound until the wait timed out.
 */
export function bedKubectl(bed: TestBed): (...args: string[]) => Promise<string> {
  return async (...args) =>
    (
      await promisify(execFile)(bed.kubectl, ['--kubeconfig', bed.kubeconfigPath, ...args], {
        encoding: 'utf8',
      })
    ).stdout;
}

/** Applies crds/ with kubectl, as a user would, and waits until they are served. */
export async function installCrds(bed: TestBed): Promise<void> {
  const kubectl = bedKubectl(bed);
  await kubectl('apply', '-f', path.join(repoRoot, 'crds'));
  await kubectl(
    'wait',
    '--for=condition=Established',
    'crd/etcdbackups.etcdsnapshot.dev',
    'crd/etcdrestores.etcdsnapshot.dev',
    '--timeout=60s',
  );
}

export interface OperatorOptions {
  /** The replica's name: its log file (`<name>.log`) and POD_NAME, hence its Lease identity. */
  readonly name?: string;
  /** /healthz, /readyz and /metrics; a free port when omitted. */
  readonly healthPort?: number;
  /** --trusted-namespaces; by default only the operator's own (its lease namespace). */
  readonly trustedNamespaces?: readonly string[];
}

/**
 * `etcd-snapshot operator` as its own process against the bed, logging into
 * the bed's directory. `namespace` is where it lives (its POD_NAMESPACE and
 * Lease), hence the one namespace it trusts with host access by default.
 */
export async function startOperator(
  bed: TestBed,
  namespace: string,
  options: OperatorOptions = {},
): Promise<ManagedProcess> {
  const [node, ...cli] = productEntrypoint();
  const name = options.name ?? 'operator';
  return new ManagedProcess({
    name,
    command: node!,
    args: [
      ...cli,
      'operator',
      '--kubeconfig',
      bed.kubeconfigPath,
      '--image',
      bed.operatorImage,
      '--health-port',
      String(options.healthPort ?? (await freePort())),
      '--leader-election-namespace',
      namespace,
      ...(options.trustedNamespaces
        ? ['--trusted-namespaces', options.trustedNamespaces.join(',')]
        : []),
    ],
    env: { POD_NAME: name, POD_NAMESPACE: namespace },
    logFile: path.join(bed.dir, `${name}.log`),
  });
}

/** The operator's /metrics text. */
export async function scrapeMetrics(healthPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${healthPort}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

/** The value of one series in Prometheus text, e.g. `name{a="b"}`; undefined when absent. */
export function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
