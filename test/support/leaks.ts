import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PLURALS } from '../../src/api/v1alpha1/index.js';
import type { BackupFixture } from './backups.js';

/**
 * Where any of `secrets` (label -> value) shows up: the fixture namespace's
 * EtcdBackups (status included), Events, Jobs and ConfigMaps as the API
 * returns them, and the operator's and the Job containers' logs in the bed
 * directory. Names the label, never the value.
 */
export async function leaksOf(
  fx: BackupFixture,
  secrets: Readonly<Record<string, string>>,
): Promise<string[]> {
  const places: Array<[string, string]> = [];
  for (const kind of [PLURALS.backup, 'events.events.k8s.io', 'events', 'jobs', 'configmaps']) {
    places.push([
      `kubectl get ${kind}`,
      await fx.kubectl('get', kind, '-n', fx.namespace, '-o', 'json'),
    ]);
  }
  for (const file of logFiles(fx.bed().dir)) places.push([file, readFileSync(file, 'utf8')]);
  return places.flatMap(([where, text]) =>
    Object.entries(secrets)
      .filter(([, value]) => text.includes(value))
      .map(([label]) => `${where} contains the ${label}`),
  );
}

/** operator.log and every container log the node agent wrote (<bed>/node/pods/<pod>/<container>.log). */
function logFiles(dir: string): string[] {
  const files = [path.join(dir, 'operator.log')];
  const pods = path.join(dir, 'node', 'pods');
  let entries: string[];
  try {
    entries = readdirSync(pods);
  } catch {
    return files; // no Pod ran
  }
  for (const pod of entries) {
    const podDir = path.join(pods, pod);
    if (!statSync(podDir).isDirectory()) continue;
    for (const f of readdirSync(podDir)) if (f.endsWith('.log')) files.push(path.join(podDir, f));
  }
  return files;
}
