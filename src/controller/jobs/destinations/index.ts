import type { StoreConfig } from '../../../api/agent/index.js';
import type { Destination } from '../../../api/v1alpha1/destination.js';
import { JobSpecError, type Wiring } from '../wiring.js';
import { s3Wiring } from './s3.js';
import { volumeWiring } from './volume.js';

/** Each kind of destination by its field in the CRD's `destination`: one line each. */
const KINDS = {
  s3: (d: Destination, at: string) => s3Wiring(d.s3!, at),
  volume: (d: Destination, at: string) => volumeWiring(d.volume!, at),
} satisfies Record<
  keyof Destination,
  (d: Destination, at: string) => Wiring & { store: StoreConfig }
>;

/**
 * The Job wiring of a destination (Secrets, volumes, env) and the typed
 * store config its agent gets. `at`: the spec field, e.g. spec.destination.
 */
export function destinationWiring(
  destination: Destination,
  at = 'spec.destination',
): Wiring & { readonly store: StoreConfig } {
  const set = (Object.keys(KINDS) as Array<keyof typeof KINDS>).filter(
    (kind) => destination[kind] !== undefined,
  );
  if (set.length !== 1)
    throw new JobSpecError(`${at} needs exactly one of ${Object.keys(KINDS).join(' or ')}`);
  const kind = set[0]!;
  return KINDS[kind](destination, `${at}.${kind}`);
}
