import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { assertValidKey } from '../keys.js';
import type { IncompleteWrite, ObjectInfo } from '../object-store.js';

interface Scope {
  readonly client: S3Client;
  readonly bucket: string;
  /** The store's base prefix; returned keys are relative to it. */
  readonly base: string;
}

/**
 * The relative key for a full key, or undefined for names a store could not
 * have written and could not be handed back (folder markers like `a/`,
 * `..` segments, reserved temp names).
 */
function relativeKey(base: string, fullKey: string | undefined): string | undefined {
  if (fullKey === undefined || !fullKey.startsWith(base)) return undefined;
  const key = fullKey.slice(base.length);
  try {
    assertValidKey(key);
    return key;
  } catch {
    return undefined;
  }
}

/** Every object under `base + prefix`, page by page (S3 returns them in key order). */
export async function* relativeObjects(
  scope: Scope & { readonly prefix: string; readonly pageSize: number },
): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await scope.client.send(
      new ListObjectsV2Command({
        Bucket: scope.bucket,
        Prefix: scope.base + scope.prefix,
        MaxKeys: scope.pageSize,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) {
      const key = relativeKey(scope.base, object.Key);
      if (key === undefined) continue;
      yield { key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** All in-progress multipart uploads under the base prefix, all pages. */
export async function listMultipartUploads(scope: Scope): Promise<IncompleteWrite[]> {
  const found: IncompleteWrite[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await scope.client.send(
      new ListMultipartUploadsCommand({
        Bucket: scope.bucket,
        Prefix: scope.base,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      const key = relativeKey(scope.base, upload.Key);
      if (key === undefined || upload.UploadId === undefined) continue;
      found.push({ key, id: upload.UploadId, initiated: upload.Initiated ?? new Date(0) });
    }
    const more = page.IsTruncated === true;
    keyMarker = more ? page.NextKeyMarker : undefined;
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return found;
}
