import { EXIT_CODES } from '../../api/errors.js';
import { Etcd3KeyValueTarget } from '../../etcd/etcd3-kv-target.js';
import { checkSnapshotDigest } from '../../snapshot/inspect/index.js';
import {
  DEFAULT_TXNS_IN_FLIGHT,
  restoreLogical,
  type LogicalRestoreReport,
} from '../../snapshot/restore/logical-restore.js';
import { snapshotFileKeys } from '../../snapshot/restore/snapshot-keys.js';
import { DEFAULT_TXN_LIMITS, txnLimitsProblem, type TxnLimits } from '../../domain/txn-limits.js';
import { formatBytes, parseByteQuantity } from '../../domain/quantity.js';
import { intFlag, parseFlags } from '../args.js';
import { keysProgressLine, ttyProgress } from '../progress.js';
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
  compact: { type: 'boolean', default: false },
  'max-txn-ops': { type: 'string' },
  'max-request-bytes': { type: 'string' },
  'txns-in-flight': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const restoreCommand: Command = {
  name: 'restore',
  usage: `Usage: etcd-snapshot restore --logical (FILE.db | --from DESTINATION --name NAME) --endpoints URL [options]

Checks the snapshot (etcd's sha256 trailer, and every page it reads) before
touching the target, then deletes every key under --prefix in the target and writes the latest
value of every snapshot key under it, in batched transactions. Leases are
not restored. Refuses a non-empty range unless --force.

For a physical restore of member data directories use
  etcd-snapshot get ... -o snapshot.db && etcdutl snapshot restore snapshot.db ...
(see docs/disaster-recovery.md) or an EtcdRestore with mode DataDir.

  --prefix P     only keys starting with P (default: the whole keyspace)
  --dry-run      print what would change; change nothing
  --force        clear a non-empty range
  --compact      after clearing the range, compact the target to its current
                 revision, defragment every endpoint and disarm a NOSPACE
                 alarm, so repeated resets do not grow it. Drops the target's
                 whole history: for test clusters, not a shared production etcd
  --max-txn-ops N         the target's --max-txn-ops (default ${DEFAULT_TXN_LIMITS.maxTxnOps})
  --max-request-bytes N   the target's --max-request-bytes (default ${DEFAULT_TXN_LIMITS.maxRequestBytes}, i.e. 1.5Mi)
  --txns-in-flight N      write transactions in flight at once (default ${DEFAULT_TXNS_IN_FLIGHT})
  --json

Progress (keys, MB/s, ETA) is shown on a terminal.

${etcdFlagUsage}

${snapshotRefUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags('restore', args, flags, { min: 0, max: 1 });
    if (!values.logical) {
      throw new UsageError(
        "only --logical restores run from the CLI; for data directories use 'etcd-snapshot get' then 'etcdutl snapshot restore' (docs/disaster-recovery.md)",
      );
    }
    const limits = txnLimitsFromFlags(values);
    const inFlight = intFlag(values['txns-in-flight'], 'txns-in-flight', 1);
    const connection = etcdConnectionFromFlags(values, io);
    const input = await openSnapshotInput(positionals[0], values, io);
    const target = new Etcd3KeyValueTarget(connection);
    const progress = ttyProgress(io.stderr);
    try {
      const report = await restoreLogical({
        // A downloaded snapshot had its digests checked on the way in.
        ...(input.manifest ? {} : { verified: checkSnapshotDigest(input.file) }),
        source: snapshotFileKeys(input.file),
        target,
        prefix: Buffer.from(values.prefix, 'utf8'),
        force: values.force,
        dryRun: values['dry-run'],
        compact: values.compact,
        limits,
        ...(inFlight === undefined ? {} : { inFlight }),
        onProgress: (p) =>
          progress.show((ms) => keysProgressLine(p.keys, p.totalKeys, p.bytes, ms)),
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ snapshot: input.label, ...report }, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      io.stdout.write(summary(report, input.label, values.compact));
      return EXIT_CODES.ok;
    } finally {
      progress.done();
      await target.close();
      await input.cleanup();
    }
  },
};

function txnLimitsFromFlags(values: {
  'max-txn-ops'?: string | undefined;
  'max-request-bytes'?: string | undefined;
}): TxnLimits {
  const bytes = values['max-request-bytes'];
  let maxRequestBytes = DEFAULT_TXN_LIMITS.maxRequestBytes;
  try {
    if (bytes !== undefined) maxRequestBytes = parseByteQuantity(bytes);
  } catch (err) {
    throw new UsageError(`--max-request-bytes: ${(err as Error).message}`);
  }
  const limits = {
    maxTxnOps: intFlag(values['max-txn-ops'], 'max-txn-ops', 1) ?? DEFAULT_TXN_LIMITS.maxTxnOps,
    maxRequestBytes,
  };
  const problem = txnLimitsProblem(limits, {
    maxTxnOps: '--max-txn-ops',
    maxRequestBytes: '--max-request-bytes',
  });
  if (problem) throw new UsageError(problem);
  return limits;
}

function summary(report: LogicalRestoreReport, label: string, compact: boolean): string {
  const range = report.prefix ? `under "${report.prefix}"` : 'in the whole keyspace';
  if (report.dryRun) {
    const sample = report.existingSample.length
      ? ` (e.g. ${report.existingSample.slice(0, 3).join(', ')})`
      : '';
    return [
      `dry run: would delete ${report.existingKeys} key(s) ${range} at ${report.endpoint}${sample}`,
      ...(compact
        ? ['dry run: would then compact the target to its current revision and defragment it']
        : []),
      `dry run: would write ${report.keys} key(s), ${formatBytes(report.bytes)} of values, from ${label}`,
      '',
    ].join('\n');
  }
  const lines = [
    `restored ${report.keys} key(s) (${formatBytes(report.bytes)}) ${range} at ${report.endpoint} from ${label} in ${report.transactions} transaction(s); ${report.existingKeys} key(s) replaced`,
  ];
  const c = report.compaction;
  if (c) {
    const sizes = c.members
      .map((m) => `${m.endpoint} ${formatBytes(m.dbSizeBefore)} -> ${formatBytes(m.dbSizeAfter)}`)
      .join(', ');
    lines.push(
      `compacted to revision ${c.revision} and defragmented before writing: ${sizes}${c.disarmedNoSpace ? '; NOSPACE alarm disarmed' : ''}`,
    );
    if (c.notDefragmented.length)
      lines.push(
        `warning: members ${c.notDefragmented.join(', ')} were not among --endpoints and were not defragmented: list every member's client URL`,
      );
  }
  return `${lines.join('\n')}\n`;
}
