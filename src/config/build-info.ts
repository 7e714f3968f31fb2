import { readFileSync } from 'node:fs';

/** Name and version of this build, read once from the package manifest shipped beside dist/. */
export interface BuildInfo {
  readonly name: string;
  readonly version: string;
  /** The Node.js versions it runs on (`engines.node`, e.g. `>=22.19.0`). */
  readonly nodeEngine: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  if (!cached) {
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { name: string; version: string; engines?: { node?: string } };
    cached = Object.freeze({
      name: manifest.name,
      version: manifest.version,
      nodeEngine: manifest.engines?.node ?? '',
    });
  }
  return cached;
}
