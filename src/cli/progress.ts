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

/** A logical restore's line: keys written of all, MB/s of values, ETA from the key rate. Pure. */
export function keysProgressLine(
  keys: number,
  totalKeys: number,
  bytes: number,
  elapsedMs: number,
): string {
  const seconds = elapsedMs / 1000;
  const parts = [
    `${keys} / ${totalKeys} keys`,
    `${(seconds > 0 ? bytes / seconds / 1e6 : 0).toFixed(1)} MB/s`,
  ];
  if (keys > 0 && seconds > 0)
    parts.push(`ETA ${Math.ceil((totalKeys - keys) / (keys / seconds))} s`);
  return parts.join('  ');
}

/** Redraws one line on a TTY at most 4 times a second; silent elsewhere. */
export function ttyProgress(out: Writable & { isTTY?: boolean }, now: () => number = Date.now) {
  const start = now();
  let last = 0;
  const enabled = out.isTTY === true;
  const show = (render: (elapsedMs: number) => string): void => {
    if (!enabled || now() - last < 250) return;
    last = now();
    out.write(`\r\x1b[K${render(last - start)}`);
  };
  return {
    show,
    update(done: number, remaining: number | undefined): void {
      show((elapsed) => progressLine(done, remaining, elapsed));
    },
    done(): void {
      if (enabled) out.write('\r\x1b[K');
    },
  };
}
