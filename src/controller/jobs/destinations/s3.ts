import { AGENT_CA_BUNDLE_DIR, AGENT_ENV, type S3StoreConfig } from '../../../api/agent/index.js';
import { DEFAULTS } from '../../../api/v1alpha1/constants.js';
import type { S3Destination } from '../../../api/v1alpha1/destination.js';
import {
  AGENT_FILES,
  AGENT_VOLUMES,
  noWiring,
  readOnlyMount,
  secretEnv,
  uses,
  type Wiring,
} from '../wiring.js';

/**
 * An S3 destination in a Job: its credentials as `secretKeyRef` env vars,
 * its CA bundle as a read-only volume, and the typed store config the agent
 * gets (never a credential). `at` is the spec field, e.g. spec.destination.s3.
 */
export function s3Wiring(
  s3: S3Destination,
  at: string,
): Wiring & { readonly store: S3StoreConfig } {
  const wiring = noWiring();
  const creds = s3.credentialsSecretRef;
  if (creds) {
    const { name } = creds;
    const id = creds.accessKeyIdKey ?? DEFAULTS.accessKeyIdKey;
    const secret = creds.secretAccessKeyKey ?? DEFAULTS.secretAccessKeyKey;
    wiring.env.push(
      secretEnv(AGENT_ENV.awsAccessKeyId, name, id),
      secretEnv(AGENT_ENV.awsSecretAccessKey, name, secret),
    );
    const token = creds.sessionTokenKey;
    if (token) wiring.env.push(secretEnv(AGENT_ENV.awsSessionToken, name, token));
    uses(wiring, 'Secret', `${at}.credentialsSecretRef`, name, [
      id,
      secret,
      ...(token ? [token] : []),
    ]);
  }
  const secretCa = s3.caBundleSecretRef;
  const mapCa = s3.caBundleConfigMapRef;
  if (secretCa) {
    const { name, key = DEFAULTS.caBundleKey } = secretCa;
    uses(wiring, 'Secret', `${at}.caBundleSecretRef`, name, [key]);
    wiring.volumes.push({
      name: AGENT_VOLUMES.caBundle,
      secret: { secretName: name, items: [{ key, path: AGENT_FILES.caBundle }] },
    });
  } else if (mapCa) {
    const { name, key = DEFAULTS.caBundleKey } = mapCa;
    uses(wiring, 'ConfigMap', `${at}.caBundleConfigMapRef`, name, [key]);
    wiring.volumes.push({
      name: AGENT_VOLUMES.caBundle,
      configMap: { name, items: [{ key, path: AGENT_FILES.caBundle }] },
    });
  }
  const mounted = wiring.volumes.length > 0;
  if (mounted) wiring.mounts.push(readOnlyMount(AGENT_VOLUMES.caBundle, AGENT_CA_BUNDLE_DIR));
  const store: S3StoreConfig = {
    kind: 's3',
    bucket: s3.bucket,
    prefix: s3.prefix ?? '',
    ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
    ...(s3.region === undefined ? {} : { region: s3.region }),
    ...(s3.forcePathStyle === undefined ? {} : { forcePathStyle: s3.forcePathStyle }),
    ...(mounted ? { caBundle: `${AGENT_CA_BUNDLE_DIR}/${AGENT_FILES.caBundle}` } : {}),
    ...(s3.sse === undefined ? {} : { sse: s3.sse }),
    ...(s3.kmsKeyId === undefined ? {} : { kmsKeyId: s3.kmsKeyId }),
    ...(s3.storageClass === undefined ? {} : { storageClass: s3.storageClass }),
    ...(s3.checksum === undefined ? {} : { checksum: s3.checksum }),
    ...(s3.partSizeMiB === undefined ? {} : { partSizeMiB: s3.partSizeMiB }),
    ...(s3.queueSize === undefined ? {} : { queueSize: s3.queueSize }),
  };
  return { ...wiring, store };
}
