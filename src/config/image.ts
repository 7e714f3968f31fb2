import { buildInfo } from './build-info.js';

/** Repository of the operator's own image; Jobs run it as the snapshot agent. */
export const IMAGE_REPOSITORY = 'ghcr.io/etcd-snapshot-operator/etcd-snapshot';

/** The image matching this build, e.g. `ghcr.io/etcd-snapshot-operator/etcd-snapshot:0.1.0`. */
export function defaultImage(): string {
  return `${IMAGE_REPOSITORY}:${buildInfo().version}`;
}

/** True for any tag or digest of the operator's repository. */
export function isOperatorImage(image: string): boolean {
  return image.startsWith(`${IMAGE_REPOSITORY}:`) || image.startsWith(`${IMAGE_REPOSITORY}@`);
}
