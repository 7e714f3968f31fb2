import { EXIT_CODES } from '../../api/errors.js';
import { formatBytes } from '../../domain/quantity.js';
import { readCatalog } from '../../snapshot/catalog/catalog.js';
import { parseFlags } from '../args.js';
import { type CliIO, type Command } from '../command.js';
import { destinationUsage, storeFromFlag } from '../destination.js';

const flags = {
  from: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const listCommand: Command = {
  name: 'list',
  usage: `Usage: etcd-snapshot list --from DESTINATION [--name NAME] [--json]

Lists snapshots that have a valid manifest, oldest first. Objects without a
manifest are incomplete (a failed or running write): shown apart, never restored.

${destinationUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseFlags('list', args, flags);
    const store = storeFromFlag(values.from, 'from', io);
    try {
      const catalog = await readCatalog(store, values.name);
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ location: store.location, snapshots: catalog.snapshots.map((s) => s.manifest), incomplete: catalog.incomplete, brokenManifests: catalog.brokenManifests }, null, 2)}\n`,
        );
        return EXIT_CODES.ok;
      }
      const rows = catalog.snapshots.map((s) => [
        s.manifest.key,
        s.manifest.revision,
        formatBytes(s.manifest.stored.size),
        s.manifest.compression + (s.manifest.encryption ? '+age' : ''),
        s.manifest.etcdVersion,
        s.manifest.startTime,
      ]);
      const header = ['KEY', 'REVISION', 'SIZE', 'FORMAT', 'ETCD', 'TAKEN'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows])
        io.stdout.write(
          `${row
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
      if (catalog.snapshots.length === 0)
        io.stdout.write(`(no verified snapshots in ${store.location})\n`);
      for (const o of catalog.incomplete)
        io.stdout.write(`incomplete (no manifest): ${o.key} ${formatBytes(o.size)}\n`);
      for (const m of catalog.brokenManifests)
        io.stdout.write(`broken manifest: ${m.key}: ${m.problem}\n`);
      return EXIT_CODES.ok;
    } finally {
      await store.close();
    }
  },
};
