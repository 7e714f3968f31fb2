// Where a fetch's time goes: the pipeline of src/snapshot/pipeline/fetch.ts built up one
// stage at a time, in this process, on the same stored object.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteCounter } from '../../src/snapshot/pipeline/byte-counter.js';
import { createDecompressor, type Compression } from '../../src/snapshot/pipeline/compression.js';
import { TrailerVerifier } from '../../src/snapshot/pipeline/trailer-verifier.js';
import { openStore, parseStoreUrl, type Env } from '../../src/storage/index.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { measure } from './measure.js';

export interface StageTiming {
  /** The pipeline up to and including this stage. */
  readonly label: string;
  readonly seconds: number;
  /** CPU of this process (main thread and thread pool), in seconds. */
  readonly cpuSeconds: number;
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Start-up of the agent's process (`etcd-snapshot agent --help`: its modules, no work), fastest of `rounds`. */
export async function cliStartSeconds(rounds: number): Promise<number> {
  const [node, ...cli] = productEntrypoint();
  let fastest = Infinity;
  for (let round = 0; round < rounds; round++) {
    fastest = Math.min(fastest, (await measure(node!, [...cli, 'agent', '--help'])).seconds);
  }
  return fastest;
}

/**
 * Download, + stored sha256, + decompress, + etcd's sha256, + write to `file`
 * (the whole fetch but its final fsync and rename), each from the start, the
 * fastest of `rounds` runs kept.
 */
export async function fetchStages(options: {
  readonly destination: string;
  readonly key: string;
  readonly compression: Compression;
  readonly env: Env;
  readonly file: string;
  /** Runs of each stage; the fastest is kept. */
  readonly rounds: number;
}): Promise<StageTiming[]> {
  const store = openStore(parseStoreUrl(options.destination), options.env);
  const added: Array<[string, () => Duplex | Writable]> = [
    ['+ stored sha256', () => new ByteCounter({ hash: true })],
    ['+ decompress', () => createDecompressor(options.compression)],
    ["+ etcd's sha256", () => new TrailerVerifier()],
    ['+ write to the file', () => createWriteStream(options.file)],
  ];
  const timings: StageTiming[] = [];
  try {
    for (let n = 0; n <= added.length; n++) {
      let fastest: StageTiming | undefined;
      for (let round = 0; round < options.rounds; round++) {
        const stages = added.slice(0, n).map(([, make]) => make());
        const cpu = cpuSeconds();
        const started = performance.now();
        const body: Readable = await store.get(options.key);
        const sink = n === added.length ? [] : [discard()];
        await pipeline([body, ...stages, ...sink] as unknown as [Readable, Writable]);
        const seconds = (performance.now() - started) / 1000;
        if (fastest && fastest.seconds <= seconds) continue;
        const label = n === 0 ? 'download' : added[n - 1]![0];
        fastest = { label, seconds, cpuSeconds: cpuSeconds() - cpu };
      }
      timings.push(fastest!);
    }
  } finally {
    await rm(options.file, { force: true });
    await store.close();
  }
  return timings;
}
