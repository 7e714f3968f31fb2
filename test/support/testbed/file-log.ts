import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** A JSON-lines logger that appends to a file (the bed's own components log like the real ones). */
export function createFileLog(
  file: string,
): (msg: string, fields?: Record<string, unknown>) => void {
  mkdirSync(path.dirname(file), { recursive: true });
  return (msg, fields) => {
    appendFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
  };
}
