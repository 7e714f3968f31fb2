import { Worker } from 'node:worker_threads';

// The worker is plain CommonJS given as text, so it runs the same under tsc
// output, tsx and Jest without resolving a separate worker file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { path, length, chunkSize } = workerData;
const fd = openSync(path, 'r');
const hash = createHash('sha256');
const buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkSize, length)));
let at = 0;
try {
  while (at < length) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, length - at), at);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    at += n;
  }
} finally {
  closeSync(fd);
}
parentPort.postMessage({ read: at, digest: hash.digest('hex') });
`;

/**
 * sha256 of the first `length` bytes of a file, computed on a worker thread
 * so it overlaps the tree walk instead of competing with it for the main
 * thread. Resolves null if the file ended early; `signal` stops the worker.
 */
export function digestFileOnWorker(
  path: string,
  length: number,
  signal?: AbortSignal,
  chunkSize = 4 << 20,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, length, chunkSize },
    });
    const stop = () => void worker.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    const done = () => signal?.removeEventListener('abort', stop);
    worker.once('message', (msg: { read: number; digest: string }) => {
      done();
      resolve(msg.read === length ? msg.digest : null);
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      done();
      if (signal?.aborted) reject(signal.reason);
      else if (code !== 0) reject(new Error(`digest worker exited with code ${code}`));
    });
  });
}
