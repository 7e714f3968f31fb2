import { EXIT_CODES } from '../../api/errors.js';
import { verifySnapshotFile } from '../../snapshot/inspect/index.js';
import { parseFlags } from '../args.js';
import { type CliIO, type Command } from '../command.js';
import { openSnapshotInput } from '../snapshot-input.js';
import { snapshotRefSpec, snapshotRefUsage } from '../snapshot-ref.js';

const flags = { ...snapshotRefSpec, json: { type: 'boolean', default: false } } as const;

export const verifyCommand: Command = {
  name: 'verify',
  usage: `Usage: etcd-snapshot verify FILE.db [--json]
       etcd-snapshot verify --from DESTINATION --name NAME [--snapshot KEY] [--json]

For a stored snapshot: the stored object's sha256 against its manifest, then
decryption, decompression and etcd's sha256 trailer. For every snapshot: the
bbolt meta pages, every page reachable from the root in range, of the right
type and well formed, the freelist, and key order. Exit 5 names the problem.

${snapshotRefUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags('verify', args, flags, { min: 0, max: 1 });
    const input = await openSnapshotInput(positionals[0], values, io);
    try {
      const report = await verifySnapshotFile(input.file);
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ snapshot: input.label, ok: true, ...report }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(
          `OK ${input.label}: sha256 ${report.trailer.sha256} matches; ${report.reachablePages} reachable pages (${report.branchPages} branch, ${report.leafPages} leaf, ${report.overflowPages} overflow) well formed; revision ${report.revision}, ${report.totalKey} keys\n`,
        );
      }
      return EXIT_CODES.ok;
    } finally {
      await input.cleanup();
    }
  },
};
