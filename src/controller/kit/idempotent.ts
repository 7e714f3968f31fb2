import { isKubeError } from '../../kube/errors.js';

/**
 * Runs a create or delete whose name is deterministic: AlreadyExists on
 * create and NotFound on delete mean "already so", and resolve undefined.
 */
export async function ignoring<T>(
  code: 'AlreadyExists' | 'NotFound',
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isKubeError(err, code)) return undefined;
    throw err;
  }
}
