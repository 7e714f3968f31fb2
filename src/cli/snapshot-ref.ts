import { readCatalog, selectSnapshot, type CatalogEntry } from '../snapshot/catalog/catalog.js';
import { parseIdentities } from '../snapshot/pipeline/encryption.js';
import type { ObjectStore } from '../storage/index.js';
import { UsageError, type CliIO } from './command.js';
import { readUserFile } from './etcd-flags.js';

/** Flags that pick one stored snapshot. */
export const snapshotRefSpec = {
  from: { type: 'string' },
  name: { type: 'string' },
  snapshot: { type: 'string', default: 'latest' },
  before: { type: 'string' },
  'identity-file': { type: 'string' },
} as const;

export const snapshotRefUsage = `choosing a snapshot:
  --from DESTINATION        where the snapshots are (s3://... or file:///...)
  --name NAME               the backup's name
  --snapshot latest|KEY     default latest; KEY as printed by 'list'
  --before TIME             the latest snapshot taken at or before TIME (RFC 3339)
  --identity-file FILE      age identity for encrypted snapshots (or $ETCD_SNAPSHOT_AGE_IDENTITY)`;

export async function resolveSnapshot(
  store: ObjectStore,
  values: { name?: string; snapshot?: string; before?: string },
): Promise<CatalogEntry> {
  const key = values.snapshot && values.snapshot !== 'latest' ? values.snapshot : undefined;
  const name = values.name ?? key?.split('/')[0];
  if (!name) throw new UsageError('--name is required (or --snapshot with a full key)');
  let before: Date | undefined;
  if (values.before !== undefined) {
    before = new Date(values.before);
    if (Number.isNaN(before.getTime()))
      throw new UsageError(`--before: '${values.before}' is not a time like 2026-03-01T12:00:00Z`);
  }
  const catalog = await readCatalog(store, name);
  const entry = selectSnapshot(
    catalog,
    key ? { key } : before ? { latestBefore: before } : { latest: true },
  );
  if (!entry) {
    const what = key
      ? `snapshot ${key}`
      : before
        ? `a snapshot of '${name}' taken at or before ${before.toISOString()}`
        : `any snapshot of '${name}'`;
    throw new UsageError(
      `${store.location} has no verified ${what}: run 'etcd-snapshot list --from ${store.location}' to see what there is`,
    );
  }
  return entry;
}

/** Decryption identities from a file or the environment; never from argv. */
export function identitiesFrom(values: { 'identity-file'?: string }, io: CliIO): string[] {
  const text =
    values['identity-file'] !== undefined
      ? readUserFile(values['identity-file'], 'identity-file', io).toString('utf8')
      : io.env.ETCD_SNAPSHOT_AGE_IDENTITY;
  if (text === undefined) return [];
  try {
    return parseIdentities(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
