import { readFileSync } from 'node:fs';
import type { StoreConfig } from '../api/agent/store.js';
import { fsPlugin } from './fs/plugin.js';
import type { ObjectStore } from './object-store.js';
import type { Env, ReadFile, StorePlugin } from './plugin.js';
import { s3Plugin } from './s3/plugin.js';
import { CREDENTIALS_FIX, EXAMPLES, invalidUrl, parseUrl } from './url.js';

/** Every kind of destination: one line each. */
const PLUGINS: readonly StorePlugin[] = [s3Plugin, fsPlugin] as StorePlugin[];

function pluginFor(kind: string): StorePlugin {
  const plugin = PLUGINS.find((p) => p.kind === kind);
  if (!plugin) throw invalidUrl(`unsupported destination kind "${kind}"`);
  return plugin;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Checks a destination however it was built (URL, CRD fields, flags) and returns it normalised and frozen. */
export function validateStoreConfig(config: StoreConfig): StoreConfig {
  return Object.freeze(pluginFor(config.kind).validate(config));
}

/**
 * Parses a destination URL (pure: no I/O, no environment), e.g.
 * `s3://bucket/prefix?endpoint=…&region=…&pathStyle=true&caBundle=/ca.pem&sse=aws:kms&kmsKeyId=…&storageClass=STANDARD_IA&checksum=CRC32C&partSizeMiB=16&queueSize=2`
 * or `file:///absolute/path`. Credentials are refused: they belong in the environment.
 */
export function parseStoreUrl(text: string): StoreConfig {
  const url = parseUrl(text);
  if (url.username !== '' || url.password !== '') throw invalidUrl(CREDENTIALS_FIX);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const plugin = PLUGINS.find((p) => p.scheme === scheme);
  if (!plugin) throw invalidUrl(`unsupported destination scheme "${scheme}://": use ${EXAMPLES}`);
  return validateStoreConfig(withoutUndefined(plugin.fromUrl(url, text)));
}

/**
 * Opens the store a destination names. `env` is the process environment as the
 * composition root passes it (this module never reads `process.env`): it
 * supplies credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN,
 * AWS_REGION). Throws `InvalidConfig` for a bad destination; reachability is
 * `check()`'s job.
 */
export function openStore(
  config: StoreConfig,
  env: Env = {},
  readFile: ReadFile = (file) => readFileSync(file, 'utf8'),
): ObjectStore {
  const valid = validateStoreConfig(config);
  return pluginFor(valid.kind).open(valid, env, readFile);
}
