import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileStoreConfig } from '../../api/agent/store.js';
import type { StorePlugin } from '../plugin.js';
import { StorageError } from '../storage-error.js';
import { assertNoDotSegments, invalidUrl } from '../url.js';
import { FsObjectStore } from './fs-object-store.js';

/** A directory (a mounted volume): `file:///absolute/path`. */

function fromUrl(url: URL, text: string): FileStoreConfig {
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

function validate(config: FileStoreConfig): FileStoreConfig {
  if (!path.isAbsolute(config.directory)) {
    throw new StorageError(
      'InvalidConfig',
      `directory must be absolute (got "${config.directory}"): use file:///absolute/path`,
    );
  }
  const directory = path.normalize(config.directory).replace(/(.)\/+$/, '$1');
  return Object.freeze({ kind: 'file', directory });
}

export const fsPlugin: StorePlugin<FileStoreConfig> = {
  kind: 'file',
  scheme: 'file',
  fromUrl,
  validate,
  open: (config) => new FsObjectStore(config.directory),
};
