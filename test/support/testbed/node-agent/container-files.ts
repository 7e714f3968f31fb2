import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  FALLBACK_LOG_BYTES,
  FALLBACK_LOG_LINES,
  MAX_MESSAGE_BYTES,
  needsLogFallback,
  tailText,
} from './termination-message.js';

/** Reads at most `maxBytes` from `offset` of a file; a missing file reads as empty. */
export async function readBytes(file: string, offset: number, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return Buffer.alloc(0);
  try {
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

/** A fresh, empty termination-message file, so a message from a previous run cannot leak into this one. */
export async function resetTerminationFile(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
}

/** The container's termination message after it exited (see needsLogFallback). */
export async function readTerminationMessage(input: {
  readonly messageFile: string;
  readonly policy: string | undefined;
  readonly exitCode: number;
  readonly logFile: string;
  /** Where this run's output starts in the (appended) log file. */
  readonly logOffset: number;
}): Promise<string> {
  const content = (await readBytes(input.messageFile, 0, MAX_MESSAGE_BYTES)).toString('utf8');
  if (!needsLogFallback(content, input.policy, input.exitCode)) return content;
  const size = await fileSize(input.logFile);
  // Enough bytes for 80 lines under the 2 KiB cap, without reading a huge log whole.
  const start = Math.max(input.logOffset, size - 4 * FALLBACK_LOG_BYTES);
  const log = (await readBytes(input.logFile, start, size - start)).toString('utf8');
  return tailText(log, FALLBACK_LOG_LINES, FALLBACK_LOG_BYTES);
}
