import { redactSecrets } from './redact.js';
import { StorageError } from './storage-error.js';

/**
 * What every destination URL shares (the CLI's input form; the agent gets a
 * typed config): parsing, refusing credentials and dot segments, decoding.
 */

export const EXAMPLES =
  's3://bucket/prefix?endpoint=https://minio:9000&region=us-east-1 or file:///absolute/path';
export const CREDENTIALS_FIX =
  'credentials must not be in the destination URL: provide AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
  '(e.g. from a Secret) or rely on the default credential chain (IRSA, EKS pod identity, instance profile)';

export function invalidUrl(message: string): StorageError {
  return new StorageError('InvalidConfig', message);
}

export function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw invalidUrl(`destination "${redactSecrets(text)}" is not a URL: use ${EXAMPLES}`);
  }
}

/** The raw path, because the URL parser silently resolves `a/../b` to `b`. */
function rawPathOf(text: string): string {
  const afterScheme = text.replace(/^[a-z0-9+.-]+:\/\/[^/?#]*/i, '');
  return afterScheme.split(/[?#]/)[0] ?? '';
}

export function assertNoDotSegments(text: string): void {
  const segments = rawPathOf(text).split('/');
  if (segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) {
    throw invalidUrl('the destination path must not contain "." or ".." segments');
  }
}

export function decodePrefix(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw invalidUrl('the prefix contains malformed percent-encoding');
  }
}
