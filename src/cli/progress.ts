import type { Writable } from 'node:stream';
import { formatBytes } from '../domain/quantity.js';

/** The text of one progress line: done/total, MB/s, ETA. Pure, for tests. */
export function progressLine(
  done: number,
  remaining: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const parts = [formatBytes(done)];
  if (remaining !== undefined) parts[0] += ` / ${formatBytes(done + remaining)}`;
  parts.push(`${(rate / 1e6).toFixed(1)} MB/s`);
  if (remaining !== undefined && rate > 0) parts.push(`ETA ${Math.ceil(remaining / rate)} s`);
  return parts.join('  ');
}

/** Redraws one line on a TTY at most 4 times a second; silent elsewhere. */
export function ttyProgress(out: Writable & { isTTY?: boolean }, now: () => number = Date.now) {
  const start = now();
  let last = 0;
  const enabled = out.isTTY === true;
  return {
    update(done: number, remaining: number | undefined): void {
      if (!enabled || now() - last < 250) return;
      last = now();
      out.write(`\r\x1b[K${progressLine(done, remaining, last - start)}`);
    },
    done(): void {
      if (enabled) out.write('\r\x1b[K');
    },
  };
}
