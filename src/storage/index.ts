// The storage port and its adapters: the only place that imports @aws-sdk/*.
export type { ObjectInfo, ObjectStore } from './object-store.js';
export { StorageError, type StorageErrorCode } from './storage-error.js';
export { validateStoreConfig, type StoreConfig } from './store-config.js';
export { S3_URL_PARAMETERS, parseStoreUrl } from './store-url.js';
export { credentialsFromEnv, openStore, type Env } from './open-store.js';
export { S3ObjectStore } from './s3/s3-object-store.js';
export type { S3ObjectStoreOptions } from './s3/s3-options.js';
export { FsObjectStore } from './fs/fs-object-store.js';
