import { openStore, parseStoreUrl } from '../storage/index.js';
import type { ObjectStore } from '../storage/index.js';
import { UsageError, type CliIO } from './command.js';

export const destinationUsage = `destinations:
  s3://BUCKET/PREFIX?endpoint=URL&region=R&pathStyle=true&caBundle=FILE&sse=AES256|aws:kms&kmsKeyId=ID
      &storageClass=C&checksum=CRC32|CRC32C|SHA1|SHA256|none&partSizeMiB=16&queueSize=2

      credentials from $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY or the AWS default chain
      (IRSA, pod identity, instance profile); never in the URL
  file:///ABSOLUTE/PATH`;

/** Opens the store a `--to`/`--from` URL names; URL problems are usage errors. */
export function storeFromFlag(url: string | undefined, flag: string, io: CliIO): ObjectStore {
  if (!url)
    throw new UsageError(
      `--${flag} is required: a destination URL such as s3://bucket/prefix or file:///backups`,
    );
  let config;
  try {
    config = parseStoreUrl(url);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
  return openStore(config, io.env);
}

/** `s3://bucket/prefix/` + `name/x.db` without a doubled slash. */
export function objectUrl(store: ObjectStore, key: string): string {
  return `${store.location.replace(/\/+$/, '')}/${key}`;
}
