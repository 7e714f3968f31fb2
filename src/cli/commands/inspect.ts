import { EXIT_CODES } from '../../api/errors.js';
import { formatBytes } from '../../domain/quantity.js';
import { inspectSnapshotFile, type SnapshotSummary } from '../../snapshot/inspect/index.js';
import { parseFlags } from '../args.js';
import { type CliIO, type Command } from '../command.js';
import { openSnapshotInput } from '../snapshot-input.js';
import { snapshotRefSpec, snapshotRefUsage } from '../snapshot-ref.js';

const flags = { ...snapshotRefSpec, json: { type: 'boolean', default: false } } as const;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human form: etcdutl's status fields first, then the content summary. */
export function renderSummary(label: string, s: SnapshotSummary): string {
  const trailer = s.trailer.present
    ? `${s.trailer.sha256} (${s.trailer.valid ? 'valid' : 'INVALID'})`
    : 'absent';
  return [
    `snapshot    ${label}`,
    `hash        ${s.hash.toString(16).padStart(8, '0')} (${s.hash})`,
    `revision    ${s.revision}`,
    `total keys  ${s.totalKey}`,
    `total size  ${s.totalSize} (${formatBytes(s.totalSize)})`,
    `version     ${s.version || '(3.5 or older)'}`,
    `sha256      ${trailer}`,
    `live keys   ${s.live.keys} (${formatBytes(s.live.bytes)} of keys and values)`,
    '',
    table(
      ['RESOURCE', 'KEYS', 'BYTES'],
      s.resources.map((r) => [r.prefix, String(r.keys), formatBytes(r.bytes)]),
    ),
    '',
    table(
      ['NAMESPACE', 'KEYS', 'BYTES'],
      s.namespaces.map((n) => [n.namespace, String(n.keys), formatBytes(n.bytes)]),
    ),
    '',
    `outside /registry: ${s.other.keys} keys, ${formatBytes(s.other.bytes)}`,
    '',
  ].join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: `Usage: etcd-snapshot inspect FILE.db [--json]
       etcd-snapshot inspect --from DESTINATION --name NAME [--snapshot KEY] [--json]

Prints hash, revision, total keys and total size (as 'etcdutl snapshot status'),
etcd's sha256 trailer, and for the latest revision of each live key the count
and bytes per Kubernetes resource and per namespace.

${snapshotRefUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags('inspect', args, flags, { min: 0, max: 1 });
    const input = await openSnapshotInput(positionals[0], values, io);
    try {
      const summary = await inspectSnapshotFile(input.file);
      io.stdout.write(
        values.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(input.label, summary),
      );
      return EXIT_CODES.ok;
    } finally {
      await input.cleanup();
    }
  },
};
