import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot, resolveBinary } from './testbed/binaries.js';

/** A rendered Kubernetes object, loosely typed: tests pick fields by path. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export const DEPLOY_DIR = path.join(repoRoot, 'deploy');
export const CHART_DIR = path.join(repoRoot, 'helm', 'etcd-snapshot-operator');
export const INSTALL_NAMESPACE = 'etcd-snapshot-system';
export const RELEASE = 'etcd-snapshot-operator';

const run = promisify(execFile);

/** Async, so a bed suite's node agent keeps running while kubectl or helm works. */
async function tool(binary: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(resolveBinary(binary), [...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: err,
    });
  }
}

export const helm = (...args: string[]): Promise<string> => tool('helm', args);

/** Every non-empty document of a multi-document YAML stream. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** `kubectl kustomize deploy/`: what `kubectl apply -k deploy/` would create. */
export async function renderKustomize(): Promise<Manifest[]> {
  return parseManifests(await tool('kubectl', ['kustomize', DEPLOY_DIR]));
}

/** `helm template` of the chart, CRDs included, into the install namespace. */
export async function renderHelm(...setArgs: string[]): Promise<Manifest[]> {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', INSTALL_NAMESPACE];
  return parseManifests(await helm(...args, '--include-crds', ...setArgs));
}

export function find(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (!name || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in the rendered manifests`);
  return found;
}

/** `kind namespace/name` of every object, sorted: the shape of an install. */
export function objectIds(manifests: readonly Manifest[]): string[] {
  return manifests.map((m) => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`).sort();
}
