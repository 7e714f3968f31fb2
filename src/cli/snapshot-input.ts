import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveContainerPath } from '../config/fs-root.js';
import { fetchSnapshot } from '../snapshot/pipeline/fetch.js';
import type { SnapshotManifest } from '../snapshot/catalog/manifest.js';
import { UsageError, type CliIO } from './command.js';
import { storeFromFlag } from './destination.js';
import { identitiesFrom, resolveSnapshot } from './snapshot-ref.js';

export interface SnapshotInput {
  /** A local `.db` file (etcd's trailer included when it came from us). */
  readonly file: string;
  /** What the user named: the file or the stored object's URL. */
  readonly label: string;
  /** Set when the snapshot came from storage (digests already checked against it). */
  readonly manifest?: SnapshotManifest;
  cleanup(): Promise<void>;
}

type RefValues = {
  from?: string;
  name?: string;
  snapshot?: string;
  before?: string;
  'identity-file'?: string;
};

/**
 * A snapshot to read: a local file given as the argument, or one downloaded
 * (decrypted, decompressed, digests checked) from `--from` into a private
 * temp directory that `cleanup` removes.
 */
export async function openSnapshotInput(
  positional: string | undefined,
  values: RefValues,
  io: CliIO,
): Promise<SnapshotInput> {
  if (positional !== undefined) {
    if (values.from !== undefined)
      throw new UsageError('give either a snapshot file or --from, not both');
    const file = resolveContainerPath(positional, io.env);
    if (!existsSync(file)) throw new UsageError(`${positional} does not exist`);
    return { file, label: positional, cleanup: async () => {} };
  }
  if (values.from === undefined)
    throw new UsageError('give a snapshot file, or --from DESTINATION with --name');
  const identities = identitiesFrom(values, io);
  const store = storeFromFlag(values.from, 'from', io);
  const dir = await mkdtemp(path.join(io.env.TMPDIR ?? os.tmpdir(), 'etcd-snapshot-'));
  try {
    const entry = await resolveSnapshot(store, values);
    const file = path.join(dir, 'snapshot.db');
    await fetchSnapshot({ store, manifest: entry.manifest, identities, file });
    const label = `${store.location.replace(/\/+$/, '')}/${entry.manifest.key}`;
    return {
      file,
      label,
      manifest: entry.manifest,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  } finally {
    await store.close();
  }
}
