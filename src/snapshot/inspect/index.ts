// The public face of snapshot inspection: what `etcd-snapshot inspect` and
// `verify` call, and what the backup pipeline will stream through. See
// README.md in this folder for the design, the heuristics and the limits.
export { SnapshotFormatError, type SnapshotFormatCode } from '../bbolt/errors.js';
export { inspectSnapshot, inspectSnapshotFile, type InspectOptions } from './inspect.js';
export {
  verifySnapshot,
  verifySnapshotFile,
  type VerifyOptions,
  type VerifyReport,
} from './verify.js';
export { createSnapshotScanner, type ScannerOptions, type SnapshotScanner } from './scanner.js';
export { classifyKey, DEFAULT_REGISTRY_PREFIX, type K8sKey } from './k8s-keys.js';
export type {
  BucketInfo,
  EtcdInfo,
  KeyUsage,
  MemberInfo,
  NamespaceUsage,
  ResourceUsage,
  SnapshotSummary,
  TrailerInfo,
} from './types.js';
