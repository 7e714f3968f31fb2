import { fileURLToPath } from 'node:url';
import { redactSecrets } from './redact.js';
import { StorageError } from './storage-error.js';
import type { ChecksumSetting, SseMode } from '../api/v1alpha1/constants.js';
import { validateStoreConfig, type S3StoreConfig, type StoreConfig } from './store-config.js';

/** Query parameters of `s3://` URLs, in the order the help text lists them. */
export const S3_URL_PARAMETERS = [
  'endpoint',
  'region',
  'pathStyle',
  'caBundle',
  'sse',
  'kmsKeyId',
  'storageClass',
  'checksum',
  'partSizeMiB',
  'queueSize',
] as const;
type S3Parameter = (typeof S3_URL_PARAMETERS)[number];

const EXAMPLES =
  's3://bucket/prefix?endpoint=https://minio:9000&region=us-east-1 or file:///absolute/path';
const CREDENTIALS_FIX =
  'credentials must not be in the destination URL: provide AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
  '(e.g. from a Secret) or rely on the default credential chain (IRSA, EKS pod identity, instance profile)';

function invalidUrl(message: string): StorageError {
  return new StorageError('InvalidConfig', message);
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw invalidUrl(`destination "${redactSecrets(text)}" is not a URL: use ${EXAMPLES}`);
  }
}

function readParameters(url: URL): Map<S3Parameter, string> {
  const params = new Map<S3Parameter, string>();
  for (const [name, value] of url.searchParams) {
    // Only names are echoed: an unexpected parameter may well carry a secret.
    if (!(S3_URL_PARAMETERS as readonly string[]).includes(name)) {
      throw invalidUrl(
        `unknown query parameter "${name}" in s3:// destination: valid ones are ${S3_URL_PARAMETERS.join(', ')}`,
      );
    }
    if (params.has(name as S3Parameter))
      throw invalidUrl(`query parameter "${name}" is given twice`);
    if (value === '') throw invalidUrl(`query parameter "${name}" has no value`);
    params.set(name as S3Parameter, value);
  }
  return params;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidUrl(`${name} must be true or false (got "${value}")`);
}

function parseInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw invalidUrl(`${name} must be a whole number (got "${value}")`);
  return Number(value);
}

/** The raw path, because the URL parser silently resolves `a/../b` to `b`. */
function rawPathOf(text: string): string {
  const afterScheme = text.replace(/^[a-z0-9+.-]+:\/\/[^/?#]*/i, '');
  return afterScheme.split(/[?#]/)[0] ?? '';
}

function assertNoDotSegments(text: string): void {
  const segments = rawPathOf(text).split('/');
  if (segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) {
    throw invalidUrl('the destination path must not contain "." or ".." segments');
  }
}

function decodePrefix(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw invalidUrl('the prefix contains malformed percent-encoding');
  }
}

function parseS3(url: URL, text: string): S3StoreConfig {
  if (url.hostname === '')
    throw invalidUrl(`the s3:// destination names no bucket: use ${EXAMPLES}`);
  assertNoDotSegments(text);
  const p = readParameters(url);
  const get = (name: S3Parameter) => p.get(name);
  const pathStyle = get('pathStyle');
  const partSize = get('partSizeMiB');
  const queueSize = get('queueSize');
  return {
    kind: 's3',
    bucket: url.hostname,
    prefix: decodePrefix(url.pathname),
    endpoint: get('endpoint'),
    region: get('region'),
    forcePathStyle: pathStyle === undefined ? undefined : parseBoolean('pathStyle', pathStyle),
    caBundle: get('caBundle'),
    sse: get('sse') as SseMode | undefined,
    kmsKeyId: get('kmsKeyId'),
    storageClass: get('storageClass'),
    checksum: get('checksum') as ChecksumSetting | undefined,
    partSizeMiB: partSize === undefined ? undefined : parseInteger('partSizeMiB', partSize),
    queueSize: queueSize === undefined ? undefined : parseInteger('queueSize', queueSize),
  };
}

function parseFile(url: URL, text: string): StoreConfig {
  if (!/^file:\/\//i.test(text) || url.host !== '') {
    const hint = url.host === '' ? '' : ` (a relative path? "${url.host}" was read as a host name)`;
    throw invalidUrl(`file destinations need an absolute path: use file:///absolute/path${hint}`);
  }
  if (url.search !== '') throw invalidUrl('file:// destinations take no query parameters');
  assertNoDotSegments(text);
  try {
    return { kind: 'file', directory: fileURLToPath(url) };
  } catch (err) {
    throw invalidUrl(`file destination path is not valid: ${(err as Error).message}`);
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parses a destination URL (pure: no I/O, no environment):
 * `s3://bucket/prefix?endpoint=…&region=…&pathStyle=true&caBundle=/ca.pem&sse=aws:kms&kmsKeyId=…&storageClass=STANDARD_IA&checksum=CRC32C&partSizeMiB=16&queueSize=2`
 * or `file:///absolute/path`. Credentials are refused: they belong in the environment.
 */
export function parseStoreUrl(text: string): StoreConfig {
  const url = parseUrl(text);
  if (url.username !== '' || url.password !== '') throw invalidUrl(CREDENTIALS_FIX);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 's3') return validateStoreConfig(withoutUndefined(parseS3(url, text)));
  if (scheme === 'file') return validateStoreConfig(parseFile(url, text));
  throw invalidUrl(`unsupported destination scheme "${scheme}://": use ${EXAMPLES}`);
}
