// The storage port and its adapters: the only place that imports @aws-sdk/*.
export type {
  GetOptions,
  IncompleteWrite,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from './object-store.js';
export {
  STORAGE_ERROR_CODES,
  StorageError,
  isStorageError,
  type StorageErrorCode,
  type StorageErrorDetail,
} from './storage-error.js';
export {
  CHECKSUM_SETTINGS,
  SSE_MODES,
  STORAGE_CLASSES,
  validateStoreConfig,
  type ChecksumSetting,
  type FileStoreConfig,
  type S3StoreConfig,
  type SseMode,
  type StoreConfig,
} from './store-config.js';
export { S3_URL_PARAMETERS, parseStoreUrl } from './store-url.js';
export { credentialsFromEnv, openStore, type Env } from './open-store.js';
export { S3ObjectStore } from './s3/s3-object-store.js';
export type { S3ObjectStoreOptions } from './s3/s3-options.js';
export type { S3Credentials } from './s3/s3-client.js';
export { FsObjectStore } from './fs/fs-object-store.js';
