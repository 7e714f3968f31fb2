import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';

const CONFLICT = 75;

/**
 * Whether another process holds a flock on `file`, as a running etcd does on
 * its bbolt database (`member/snap/db`). Asks for a shared lock without
 * waiting through flock(1), which sees locks across PID namespaces; where
 * flock(1) is missing, falls back to /proc/locks (only locks of processes in
 * our PID namespace are listed there). A missing file is not locked.
 */
export async function isFileLocked(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return false;
  const viaFlock = await new Promise<boolean | undefined>((resolve) => {
    execFile(
      'flock',
      ['--shared', '--nonblock', '--conflict-exit-code', String(CONFLICT), file, 'true'],
      (err) => {
        if (!err) return resolve(false);
        const code: unknown = (err as { code?: unknown }).code;
        if (code === CONFLICT) return resolve(true);
        resolve(undefined);
      },
    );
  });
  if (viaFlock !== undefined) return viaFlock;
  return listedInProcLocks(info.dev, info.ino);
}

/** Linux's dev_t split, as /proc/locks prints it (`%02x:%02x:%lu`). */
function deviceId(dev: number, ino: number): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  const hex = (n: bigint) => n.toString(16).padStart(2, '0');
  return `${hex(major)}:${hex(minor)}:${ino}`;
}

async function listedInProcLocks(dev: number, ino: number): Promise<boolean> {
  const text = await readFile('/proc/locks', 'utf8').catch(() => '');
  const id = deviceId(dev, ino);
  return text.split('\n').some((line) => line.split(/\s+/).includes(id));
}
