import { EXIT_CODES } from '../../api/errors.js';
import { Etcd3KeyValueTarget } from '../../etcd/etcd3-kv-target.js';
import { verifySnapshotFile } from '../../snapshot/inspect/index.js';
import { restoreLogical } from '../../snapshot/restore/logical-restore.js';
import { snapshotFileKeys } from '../../snapshot/restore/snapshot-keys.js';
import { formatBytes } from '../../domain/quantity.js';
import { parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';
import { etcdConnectionFromFlags, etcdFlagSpec, etcdFlagUsage } from '../etcd-flags.js';
import { openSnapshotInput } from '../snapshot-input.js';
import { snapshotRefSpec, snapshotRefUsage } from '../snapshot-ref.js';

const flags = {
  ...snapshotRefSpec,
  ...etcdFlagSpec,
  logical: { type: 'boolean', default: false },
  prefix: { type: 'string', default: '' },
  force: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a snapshot into a live etcd (--logical)',
  usage: `Usage: etcd-snapshot restore --logical (FILE.db | --from DESTINATION --name NAME) --endpoints URL [options]

Verifies the snapshot (digests and structure) before touching the target,
then deletes every key under --prefix in the target and writes the latest
value of every snapshot key under it, in batched transactions. Leases are
not restored. Refuses a non-empty range unless --force.

For a physical restore of member data directories use
  etcd-snapshot get ... -o snapshot.db && etcdutl snapshot restore snapshot.db ...
(see docs/disaster-recovery.md) or an EtcdRestore with mode DataDir.

  --prefix P     only keys starting with P (default: the whole keyspace)
  --dry-run      print what would change; change nothing
  --force        clear a non-empty range
  --json

${etcdFlagUsage}

${snapshotRefUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags('restore', args, flags, { min: 0, max: 1 });
    if (!values.logical) {
      throw new UsageError(
        "only --logical restores run from the CLI; for data directories use 'etcd-snapshot get' then 'etcdutl snapshot restore' (docs/disaster-recovery.md)",
      );
    }
    const connection = etcdConnectionFromFlags(values, io);
    const input = await openSnapshotInput(positionals[0], values, io);
    const target = new Etcd3KeyValueTarget(connection);
    try {
      await verifySnapshotFile(input.file);
      const report = await restoreLogical({
        source: snapshotFileKeys(input.file),
        target,
        prefix: Buffer.from(values.prefix, 'utf8'),
        force: values.force,
        dryRun: values['dry-run'],
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ snapshot: input.label, ...report }, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      const range = report.prefix ? `under "${report.prefix}"` : 'in the whole keyspace';
      if (report.dryRun) {
        io.stdout.write(
          `dry run: would delete ${report.existingKeys} key(s) ${range} at ${report.endpoint}${report.existingSample.length ? ` (e.g. ${report.existingSample.slice(0, 3).join(', ')})` : ''}\n`,
        );
        io.stdout.write(
          `dry run: would write ${report.keys} key(s), ${formatBytes(report.bytes)} of values, from ${input.label}\n`,
        );
      } else {
        io.stdout.write(
          `restored ${report.keys} key(s) (${formatBytes(report.bytes)}) ${range} at ${report.endpoint} from ${input.label} in ${report.transactions} transaction(s); ${report.existingKeys} key(s) replaced\n`,
        );
      }
      return EXIT_CODES.ok;
    } finally {
      await target.close();
      await input.cleanup();
    }
  },
};
