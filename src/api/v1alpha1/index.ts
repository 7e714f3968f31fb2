export * from './constants.js';
export * from './common.js';
export * from './destination.js';
export * from './job-template.js';
export * from './etcd-backup.js';
export * from './etcd-restore.js';
export * from './resource.js';
export * from './crd.js';
export { renderCrd, renderCrdFiles, GENERATED_HEADER } from './render.js';
export { toCrdSchema, structuralProblems, type JsonSchema } from './structural.js';
export {
  DURATION_PATTERN,
  BYTE_QUANTITY_PATTERN,
  RESOURCE_QUANTITY_PATTERN,
  type CelRule,
} from './schema.js';
