import type { StoreConfig } from '../api/agent/store.js';
import type { ObjectStore } from './object-store.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a file the config names (a CA bundle); injectable so tests need no files. */
export type ReadFile = (file: string) => string;

/**
 * One kind of destination: everything the rest of the project needs of it.
 * src/storage/registry.ts lists them; adding a destination is a folder with
 * its adapter and one of these, plus its CRD block (api/v1alpha1/destination.ts),
 * its config schema (api/agent/store.ts) and its Job wiring
 * (controller/jobs/destinations/).
 */
export interface StorePlugin<C extends StoreConfig = StoreConfig> {
  readonly kind: C['kind'];
  /** The CLI's URL scheme, e.g. `s3` for `s3://bucket/prefix`. */
  readonly scheme: string;
  /** Parses a URL of this scheme (pure; credentials already refused). */
  fromUrl(url: URL, text: string): C;
  /** Checks and normalises a config however it was built; throws StorageError InvalidConfig. */
  validate(config: C): C;
  /** Opens the store; `env` supplies credentials, never `process.env`. */
  open(config: C, env: Env, readFile: ReadFile): ObjectStore;
}
