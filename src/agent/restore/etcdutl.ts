import { spawn } from 'node:child_process';
import type { Env } from '../../storage/index.js';
import { ETCDUTL_ENV } from '../../api/agent/index.js';
import { ProjectError } from '../../api/errors.js';

/** `etcdutl snapshot restore` failed or could not run; the message carries its last output. */
export class EtcdutlError extends ProjectError {
  override readonly name = 'EtcdutlError';
  readonly code = 'EtcdutlFailed';
  readonly category = 'internal';
  override get reason(): string {
    return 'RestoreFailed';
  }
}

export type RunEtcdutl = (args: readonly string[], signal?: AbortSignal) => Promise<void>;

const TAIL_BYTES = 1500;

/** Runs etcdutl ($ETCD_SNAPSHOT_ETCDUTL, else `etcdutl` on PATH), keeping the tail of its output. */
export function etcdutlRunner(env: Env): RunEtcdutl {
  const binary = env[ETCDUTL_ENV] || 'etcdutl';
  return (args, signal) =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, [...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(signal ? { signal } : {}),
      });
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-TAIL_BYTES);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT'
            ? new EtcdutlError(
                `${binary} not found: the operator image ships etcdutl in /usr/local/bin; with another image set ${ETCDUTL_ENV} (jobTemplate.env) to its path`,
              )
            : err,
        ),
      );
      child.on('close', (code, sig) => {
        if (code === 0) return resolve();
        reject(
          new EtcdutlError(
            `etcdutl ${args.slice(0, 2).join(' ')} exited with ${sig ?? code}: ${lastLines(output)}`,
          ),
        );
      });
    });
}

/** The last few lines, where etcdutl's zap logger puts the error. */
function lastLines(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ') || '(no output)';
}
