// The storage port and its adapters: the only place that imports @aws-sdk/*.
export type { ObjectInfo, ObjectStore } from './object-store.js';
export { StorageError, type StorageErrorCode } from './storage-error.js';
export type { StoreConfig } from '../api/agent/store.js';
export type { Env } from './plugin.js';
export { openStore, parseStoreUrl, validateStoreConfig } from './registry.js';
export { credentialsFromEnv } from './s3/plugin.js';
export { S3ObjectStore } from './s3/s3-object-store.js';
export type { S3ObjectStoreOptions } from './s3/s3-options.js';
export { FsObjectStore } from './fs/fs-object-store.js';
