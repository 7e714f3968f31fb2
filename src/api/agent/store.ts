import { Type, type Static } from '@sinclair/typebox';
import { CHECKSUM_SETTINGS, SSE_MODES, STORAGE_CLASSES } from '../v1alpha1/constants.js';
import { absolutePath, oneOf, text } from './common.js';

const { Optional } = Type;

/**
 * Where the agent stores and reads snapshots: a typed config per kind of
 * destination, as the Job builder derives it from the CRD's destination and
 * as the CLI parses it from a URL. Never credentials: those come from the
 * environment. src/storage validates each kind (its plug-in's `validate`).
 */
export const S3StoreConfig = Type.Object({
  kind: Type.Literal('s3'),
  bucket: text('must be a bucket name'),
  /** '' or a prefix ending in '/', e.g. `clusters/prod/`. */
  prefix: Type.String(),
  /** Custom endpoint (MinIO, Ceph, versitygw…); AWS S3 when absent. */
  endpoint: Optional(text('must be a URL such as https://minio.example:9000')),
  region: Optional(text('must be a region such as us-east-1')),
  /** Defaults to true with a custom endpoint, false on AWS. */
  forcePathStyle: Optional(Type.Boolean()),
  /** Path of a PEM file with extra CA certificates trusted for the endpoint. */
  caBundle: Optional(absolutePath()),
  sse: Optional(oneOf(SSE_MODES)),
  kmsKeyId: Optional(Type.String()),
  storageClass: Optional(oneOf(STORAGE_CLASSES)),
  checksum: Optional(oneOf(CHECKSUM_SETTINGS)),
  partSizeMiB: Optional(Type.Integer()),
  queueSize: Optional(Type.Integer()),
});
export type S3StoreConfig = Static<typeof S3StoreConfig>;

export const FileStoreConfig = Type.Object({
  kind: Type.Literal('file'),
  /** Absolute path of the base directory. */
  directory: absolutePath(),
});
export type FileStoreConfig = Static<typeof FileStoreConfig>;

export const StoreConfig = Type.Union([S3StoreConfig, FileStoreConfig], {
  errorMessage: 'must be an s3 or file store config',
});
export type StoreConfig = Static<typeof StoreConfig>;
