import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, resolveBinary } from './testbed/binaries.js';

const run = promisify(execFile);

export interface ArgoHealth {
  readonly status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  readonly message: string;
}

/**
 * What Argo CD shows for `object`: the shipped health check
 * (deploy/argocd/<kind>-health.lua) run by the Lua interpreter Argo CD embeds.
 */
export async function argoHealth(
  kind: 'EtcdBackup' | 'EtcdRestore',
  object: unknown,
): Promise<ArgoHealth> {
  const script = path.join(repoRoot, 'deploy', 'argocd', `${kind.toLowerCase()}-health.lua`);
  const child = run(resolveBinary('argo-lua'), [script], { encoding: 'utf8' });
  child.child.stdin!.end(JSON.stringify(object));
  const { stdout } = await child;
  return JSON.parse(stdout) as ArgoHealth;
}
