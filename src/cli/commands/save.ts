import { EXIT_CODES } from '../../api/errors.js';
import { Etcd3SnapshotSource } from '../../etcd/etcd3-source.js';
import { formatBytes } from '../../domain/quantity.js';
import { parseCompression } from '../../snapshot/pipeline/compression.js';
import { parseRecipients } from '../../snapshot/pipeline/encryption.js';
import { saveSnapshot } from '../../snapshot/pipeline/save.js';
import { parseFlags } from '../args.js';
import { UsageError, type CliIO, type Command } from '../command.js';
import { destinationUsage, objectUrl, storeFromFlag } from '../destination.js';
import {
  etcdConnectionFromFlags,
  etcdFlagSpec,
  etcdFlagUsage,
  readUserFile,
} from '../etcd-flags.js';
import { ttyProgress } from '../progress.js';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const flags = {
  ...etcdFlagSpec,
  to: { type: 'string' },
  name: { type: 'string' },
  compression: { type: 'string', default: 'zstd' },
  recipient: { type: 'string', multiple: true },
  'recipients-file': { type: 'string' },
  json: { type: 'boolean', default: false },
  'no-content-summary': { type: 'boolean', default: false },
} as const;

function recipientsFrom(
  values: { recipient?: string[]; 'recipients-file'?: string },
  io: CliIO,
): string[] {
  const lines = [...(values.recipient ?? [])];
  if (values['recipients-file'])
    lines.push(readUserFile(values['recipients-file'], 'recipients-file', io).toString('utf8'));
  try {
    return parseRecipients(lines.join('\n'));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export const saveCommand: Command = {
  name: 'save',
  usage: `Usage: etcd-snapshot save --endpoints URL --to DESTINATION --name NAME [options]

Streams etcd's Maintenance.Snapshot from one member, checks the sha256 etcd
appends, compresses, optionally encrypts, and uploads. The snapshot becomes
visible (its manifest is written) only when complete and verified.

  --name NAME               backup name: objects go under DESTINATION/NAME/
  --compression zstd|gzip|none   default zstd
  --recipient age1...       encrypt to this age recipient (repeatable)
  --recipients-file FILE    age recipients, one per line
  --json                    print the manifest as JSON
  --no-content-summary      skip the per-resource/namespace summary in the manifest (its
                            memory grows ~100 bytes per key; without it memory is flat)


${etcdFlagUsage}

${destinationUsage}`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseFlags('save', args, flags);
    if (!values.name || !NAME.test(values.name))
      throw new UsageError('--name is required: a DNS-1123 label such as prod-etcd');
    let compression;
    try {
      compression = parseCompression(values.compression);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const recipients = recipientsFrom(values, io);
    const connection = etcdConnectionFromFlags(values, io);
    const store = storeFromFlag(values.to, 'to', io);
    const source = new Etcd3SnapshotSource(connection);
    const progress = ttyProgress(io.stderr);
    try {
      const manifest = await saveSnapshot({
        source,
        store,
        name: values.name,
        compression,
        recipients,
        contentSummary: !values['no-content-summary'],
        now: () => new Date(),
        onProgress: (p) => progress.update(p.rawBytes, p.remainingBytes),
      });
      progress.done();
      if (values.json) {
        io.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
      } else {
        const seconds = (Date.parse(manifest.endTime) - Date.parse(manifest.startTime)) / 1000;
        io.stdout.write(
          `saved ${objectUrl(store, manifest.key)}\n` +
            `  revision ${manifest.revision}, etcd ${manifest.etcdVersion}, member ${manifest.endpoint}\n` +
            `  ${formatBytes(manifest.raw.size)} -> ${formatBytes(manifest.stored.size)} stored (${compression}${recipients.length ? ', age' : ''}) in ${seconds.toFixed(1)} s\n` +
            `  sha256 ${manifest.raw.sha256} (verified)\n`,
        );
      }
      return EXIT_CODES.ok;
    } finally {
      progress.done();
      await source.close();
      await store.close();
    }
  },
};
