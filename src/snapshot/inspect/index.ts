// The public face of snapshot inspection: what `etcd-snapshot inspect` and
// `verify` call, and what the backup pipeline will stream through. See
// README.md in this folder for the design, the heuristics and the limits.
export { inspectSnapshotFile } from './inspect.js';
export { verifySnapshotFile } from './verify.js';
export { checkSnapshotDigest } from './digest-check.js';
export { createSnapshotScanner, type SnapshotScanner } from './scanner.js';
export type { SnapshotSummary } from './types.js';
