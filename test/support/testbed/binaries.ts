import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A test-bed component built from a pinned wrapper module under test/tools/. */
export type Component =
  'kube' | 'etcd-3.6' | 'etcd-3.5' | 'versitygw' | 'age' | 'helm' | 'argo-lua';

/** The default component of each binary; other versions get a suffixed env name. */
const DEFAULT_COMPONENT: Record<string, Component> = {
  'kube-apiserver': 'kube',
  'kube-controller-manager': 'kube',
  kubectl: 'kube',
  etcd: 'etcd-3.6',
  etcdctl: 'etcd-3.6',
  etcdutl: 'etcd-3.6',
  versitygw: 'versitygw',
  age: 'age',
  'age-keygen': 'age',
  helm: 'helm',
  'argo-lua': 'argo-lua',
};

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const buildScript = path.join(repoRoot, 'test/tools/build.sh');

/** `TEST_ASSET_ETCD` for the default etcd, `TEST_ASSET_ETCD_3_5` for etcd from etcd-3.5. */
export function assetEnvName(binary: string, component: Component): string {
  const base = `TEST_ASSET_${binary.toUpperCase().replace(/-/g, '_')}`;
  if (DEFAULT_COMPONENT[binary] === component) return base;
  const version = component.slice(component.lastIndexOf('-') + 1).replace(/\./g, '_');
  return `${base}_${version}`;
}

export interface Lookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly exists: (file: string) => boolean;
  readonly buildDir: (component: Component) => string;
}

/**
 * envtest's convention: `TEST_ASSET_<NAME>` first, then `$KUBEBUILDER_ASSETS/<name>`
 * (default versions only), then the cache built from the pinned modules.
 */
export function resolveBinaryWith(binary: string, component: Component, lookup: Lookup): string {
  const explicit = lookup.env[assetEnvName(binary, component)];
  if (explicit) {
    if (!lookup.exists(explicit)) {
      throw new Error(`${assetEnvName(binary, component)}=${explicit} does not exist`);
    }
    return explicit;
  }
  const assets = lookup.env.KUBEBUILDER_ASSETS;
  if (assets && DEFAULT_COMPONENT[binary] === component) {
    const candidate = path.join(assets, binary);
    if (lookup.exists(candidate)) return candidate;
  }
  return path.join(lookup.buildDir(component), binary);
}

const built = new Map<Component, string>();

/** Runs test/tools/build.sh (a no-op when cached); its progress goes to stderr. */
export function buildDir(component: Component): string {
  let dir = built.get(component);
  if (!dir) {
    dir = execFileSync(buildScript, [component], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    built.set(component, dir);
  }
  return dir;
}

export function resolveBinary(
  binary: string,
  component: Component = DEFAULT_COMPONENT[binary]!,
): string {
  return resolveBinaryWith(binary, component, { env: process.env, exists: existsSync, buildDir });
}
