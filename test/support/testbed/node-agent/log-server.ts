import { readdir, readFile, stat } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { makeTlsFiles } from '../tls.js';
import type { Log } from './log.js';
import { NODE_IP } from './node-object.js';

const LOG_PATH = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** The last `lines` lines of `text`, then at most its last `limitBytes` bytes, as the kubelet cuts them. */
export function tailOf(
  text: Buffer,
  lines: number | undefined,
  limitBytes: number | undefined,
): Buffer {
  let out = text;
  if (lines !== undefined) {
    let at = out.length;
    // A trailing newline ends the last line; it does not start another.
    if (at > 0 && out[at - 1] === 0x0a) at--;
    for (let seen = 0; at > 0; at--) if (out[at - 1] === 0x0a && ++seen === lines) break;
    out = out.subarray(at);
  }
  if (limitBytes !== undefined && out.length > limitBytes)
    out = out.subarray(out.length - limitBytes);
  return out;
}

/**
 * The one kubelet endpoint the project reads: `GET /containerLogs/<ns>/<pod>/<container>`
 * (what `kubectl logs` and the API server's pods/log proxy call), with
 * tailLines and limitBytes, over TLS on the node's address. The API server
 * does not check a kubelet's certificate unless told a CA, so a throwaway one serves.
 */
export class NodeLogServer {
  private server: https.Server | undefined;

  constructor(
    private readonly workDir: string,
    private readonly log: Log,
  ) {}

  /** Resolves the port it listens on. */
  async start(): Promise<number> {
    const tls = makeTlsFiles(path.join(this.workDir, 'kubelet-tls'), 'kubelet');
    this.server = https.createServer(
      { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
      (req, res) => {
        this.handle(req.url ?? '/').then(
          (body) => {
            res.writeHead(body ? 200 : 404, { 'content-type': 'text/plain' });
            res.end(body ?? 'no such container log\n');
          },
          (err: unknown) => {
            this.log('log request failed', { url: req.url, error: String(err) });
            res.writeHead(500).end();
          },
        );
      },
    );
    await new Promise<void>((resolve) => this.server!.listen(0, NODE_IP, resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(url: string): Promise<Buffer | undefined> {
    const parsed = new URL(url, 'https://node');
    const match = LOG_PATH.exec(parsed.pathname);
    if (!match) return undefined;
    const [namespace, pod, container] = match.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    const file = await this.newestLog(namespace, pod, container);
    if (!file) return undefined;
    const number = (name: string) => {
      const v = parsed.searchParams.get(name);
      return v === null ? undefined : Number(v);
    };
    return tailOf(await readFile(file), number('tailLines'), number('limitBytes'));
  }

  /** The log of the newest pod of that name (names are reused; uids are not). */
  private async newestLog(
    namespace: string,
    pod: string,
    container: string,
  ): Promise<string | undefined> {
    const podsDir = path.join(this.workDir, 'pods');
    const prefix = `${namespace}_${pod}_`;
    const dirs = (await readdir(podsDir).catch(() => [] as string[])).filter((d) =>
      d.startsWith(prefix),
    );
    let best: { file: string; mtime: number } | undefined;
    for (const dir of dirs) {
      const file = path.join(podsDir, dir, `${container}.log`);
      const info = await stat(file).catch(() => undefined);
      if (info && (!best || info.mtimeMs > best.mtime)) best = { file, mtime: info.mtimeMs };
    }
    return best?.file;
  }
}
