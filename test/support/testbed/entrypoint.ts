import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './binaries.js';

/** Node flags from a `#!/usr/bin/env -S node <flags>` shebang line. */
export function shebangNodeFlags(firstLine: string): string[] {
  const match = /^#!\S*env\s+(?:-S\s+)?node\s*(.*)$/.exec(firstLine.trim());
  return match?.[1] ? match[1].split(/\s+/).filter(Boolean) : [];
}

/**
 * How the product runs: `node <flags from dist/main.js's shebang> dist/main.js`,
 * exactly what the `etcd-snapshot` bin and the image's entrypoint do.
 */
export function productEntrypoint(): string[] {
  const main = path.join(repoRoot, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run 'make build' first`);
  const firstLine = readFileSync(main, 'utf8').split('\n', 1)[0]!;
  return [process.execPath, ...shebangNodeFlags(firstLine), main];
}
