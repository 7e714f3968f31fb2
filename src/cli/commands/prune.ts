import { EXIT_CODES } from '../../api/errors.js';
import { formatBytes } from '../../domain/quantity.js';
import { InvalidRetentionPolicyError, retentionPolicyFromSpec } from '../../domain/retention.js';
import { pruneSnapshots } from '../../snapshot/catalog/prune.js';
import { intFlag, parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';
import { destinationUsage, storeFromFlag } from '../destination.js';

const flags = {
  from: { type: 'string' },
  name: { type: 'string' },
  'keep-last': { type: 'string' },
  'max-age': { type: 'string' },
  'keep-hourly': { type: 'string' },
  'keep-daily': { type: 'string' },
  'keep-weekly': { type: 'string' },
  'keep-monthly': { type: 'string' },
  'max-total-size': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

function policyFrom(values: Record<string, string | boolean | undefined>) {
  const count = (flag: string) => intFlag(values[flag] as string | undefined, flag, 1);
  try {
    return retentionPolicyFromSpec({
      keepLast: count('keep-last'),
      keepHourly: count('keep-hourly'),
      keepDaily: count('keep-daily'),
      keepWeekly: count('keep-weekly'),
      keepMonthly: count('keep-monthly'),
      maxAge: values['max-age'] as string | undefined,
      maxTotalSize: values['max-total-size'] as string | undefined,
    });
  } catch (err) {
    if (err instanceof InvalidRetentionPolicyError) throw new UsageError(err.message);
    throw err;
  }
}

export const pruneCommand: Command = {
  name: 'prune',
  usage: `Usage: etcd-snapshot prune --from DESTINATION --name NAME [policy] [--dry-run]

Only NAME's objects are touched. A snapshot is kept if any count rule selects
it; --max-age and --max-total-size are hard caps. The newest verified snapshot
is never removed. Incomplete objects (no manifest) older than 6 h and abandoned
multipart uploads are removed too.

  --keep-last N             the N newest
  --keep-hourly N / --keep-daily N / --keep-weekly N / --keep-monthly N
                            the newest in each of the last N hours/days/ISO weeks/months (UTC)
  --max-age DURATION        e.g. 30d, 12h
  --max-total-size SIZE     e.g. 50Gi
  --dry-run                 print what would go; change nothing
  --json

${destinationUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseFlags('prune', args, flags);
    if (!values.name)
      throw new UsageError("--name is required: prune works on one backup's snapshots only");
    const policy = policyFrom(values);
    const store = storeFromFlag(values.from, 'from', io);
    try {
      const report = await pruneSnapshots({
        store,
        name: values.name,
        policy,
        now: new Date(),
        dryRun: values['dry-run'],
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      const verb = report.dryRun ? 'would remove' : 'removed';
      for (const r of report.removed)
        io.stdout.write(
          `${verb} ${r.key} (${formatBytes(r.storedSize)}): ${r.reasons.join('; ')}\n`,
        );
      for (const k of report.incompleteRemoved) io.stdout.write(`${verb} incomplete ${k}\n`);
      io.stdout.write(
        `kept ${report.kept.length} snapshot(s), ${formatBytes(report.keptBytes)}; ${verb} ${report.removed.length}\n`,
      );
      return EXIT_CODES.ok;
    } finally {
      await store.close();
    }
  },
};
