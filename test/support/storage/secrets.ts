import { inspect } from 'node:util';

/** Everything a user or a log could see of an error: message, stack, own fields, nested causes. */
export function visibleText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return [
    err.message,
    err.stack ?? '',
    JSON.stringify(err),
    inspect(err, { depth: 8, showHidden: true }),
  ].join('\n');
}

export function expectNoSecrets(err: unknown, secrets: readonly string[]): void {
  const text = visibleText(err);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
