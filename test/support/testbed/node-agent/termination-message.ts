export const MAX_MESSAGE_BYTES = 4096;
export const FALLBACK_LOG_LINES = 80;
export const FALLBACK_LOG_BYTES = 2048;
export const DEFAULT_MESSAGE_PATH = '/dev/termination-log';

/** The end of a log: at most `maxLines` lines and `maxBytes` bytes, cut at a line start when possible. */
export function tailText(text: string, maxLines: number, maxBytes: number): string {
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
  let out = trimmed.split('\n').slice(-maxLines).join('\n');
  const bytes = Buffer.from(out, 'utf8');
  if (bytes.length > maxBytes) {
    out = bytes
      .subarray(bytes.length - maxBytes)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
    const nl = out.indexOf('\n');
    if (nl >= 0 && nl < out.length - 1) out = out.slice(nl + 1);
  }
  return out;
}

/** The kubelet's rule: the file wins; FallbackToLogsOnError turns an empty file on failure into the log tail. */
export function needsLogFallback(
  fileContent: string,
  policy: string | undefined,
  exitCode: number,
): boolean {
  return fileContent === '' && policy === 'FallbackToLogsOnError' && exitCode !== 0;
}
