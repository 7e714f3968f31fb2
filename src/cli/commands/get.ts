import { EXIT_CODES } from '../../api/errors.js';
import { existsSync } from 'node:fs';
import { resolveContainerPath } from '../../config/fs-root.js';
import { formatBytes } from '../../domain/quantity.js';
import { fetchSnapshot } from '../../snapshot/pipeline/fetch.js';
import { parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';
import { destinationUsage, storeFromFlag } from '../destination.js';
import {
  identitiesFrom,
  resolveSnapshot,
  snapshotRefSpec,
  snapshotRefUsage,
} from '../snapshot-ref.js';

const flags = {
  ...snapshotRefSpec,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

export const getCommand: Command = {
  name: 'get',
  usage: `Usage: etcd-snapshot get --from DESTINATION --name NAME [--snapshot KEY] -o FILE.db

Writes a database that 'etcdutl snapshot restore' accepts (etcd's sha256
trailer intact). Every digest is checked before FILE appears.

  -o, --output FILE         where to write; refuses an existing file without --force
  --force                   overwrite FILE

${snapshotRefUsage}

${destinationUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseFlags('get', args, flags);
    if (!values.output) throw new UsageError('-o/--output is required: the .db file to write');
    const file = resolveContainerPath(values.output, io.env);
    if (existsSync(file) && !values.force)
      throw new UsageError(`${values.output} exists: choose another path or pass --force`);
    const identities = identitiesFrom(values, io);
    const store = storeFromFlag(values.from, 'from', io);
    try {
      const entry = await resolveSnapshot(store, values);
      const result = await fetchSnapshot({ store, manifest: entry.manifest, identities, file });
      if (values.json)
        io.stdout.write(
          `${JSON.stringify({ ...result, key: entry.manifest.key, revision: entry.manifest.revision }, null, 2)}\n`,
        );
      else
        io.stdout.write(
          `wrote ${values.output} (${formatBytes(result.size)}, revision ${entry.manifest.revision}, sha256 ${result.sha256} verified)\n`,
        );
      return EXIT_CODES.ok;
    } finally {
      await store.close();
    }
  },
};
