import { DEFAULTS, type EtcdBackupSpec } from '../../api/v1alpha1/index.js';

/**
 * The Secrets and ConfigMaps a backup's Jobs mount or read, and the keys each
 * must hold. A missing one would leave the Pod stuck in ContainerCreating (a
 * missing volume key) or fail it at start, so the controller checks them
 * first and reports the fix as a condition instead of starting a run.
 */
export interface ReferenceRequirement {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  /** The spec field that names it, for the message. */
  readonly field: string;
  readonly keys: readonly string[];
}

/** What observe found: presence only, never a value. */
export interface ObservedReference extends ReferenceRequirement {
  readonly found: boolean;
  readonly missingKeys: readonly string[];
}

/** Every reference of `spec`, in spec order. */
export function requiredReferences(spec: EtcdBackupSpec): ReferenceRequirement[] {
  const refs: ReferenceRequirement[] = [];
  const add = (kind: 'Secret' | 'ConfigMap', field: string, name: string, keys: string[]) =>
    refs.push({ kind, field, name, keys });
  const { tlsSecretRef: tls, authSecretRef: auth } = spec.etcd;
  if (tls) {
    add('Secret', 'spec.etcd.tlsSecretRef', tls.name, [
      tls.caKey ?? DEFAULTS.tlsCaKey,
      tls.certKey ?? DEFAULTS.tlsCertKey,
      tls.keyKey ?? DEFAULTS.tlsKeyKey,
    ]);
  }
  if (auth) {
    add('Secret', 'spec.etcd.authSecretRef', auth.name, [
      auth.usernameKey ?? DEFAULTS.usernameKey,
      auth.passwordKey ?? DEFAULTS.passwordKey,
    ]);
  }
  const s3 = spec.destination.s3;
  const creds = s3?.credentialsSecretRef;
  if (creds) {
    add('Secret', 'spec.destination.s3.credentialsSecretRef', creds.name, [
      creds.accessKeyIdKey ?? DEFAULTS.accessKeyIdKey,
      creds.secretAccessKeyKey ?? DEFAULTS.secretAccessKeyKey,
      ...(creds.sessionTokenKey ? [creds.sessionTokenKey] : []),
    ]);
  }
  const caSecret = s3?.caBundleSecretRef;
  if (caSecret) {
    add('Secret', 'spec.destination.s3.caBundleSecretRef', caSecret.name, [
      caSecret.key ?? DEFAULTS.caBundleKey,
    ]);
  }
  const caMap = s3?.caBundleConfigMapRef;
  if (caMap) {
    add('ConfigMap', 'spec.destination.s3.caBundleConfigMapRef', caMap.name, [
      caMap.key ?? DEFAULTS.caBundleKey,
    ]);
  }
  const from = spec.encryption?.recipientsFrom;
  if (from?.secretKeyRef) {
    add('Secret', 'spec.encryption.recipientsFrom.secretKeyRef', from.secretKeyRef.name, [
      from.secretKeyRef.key ?? DEFAULTS.recipientsKey,
    ]);
  }
  if (from?.configMapKeyRef) {
    add('ConfigMap', 'spec.encryption.recipientsFrom.configMapKeyRef', from.configMapKeyRef.name, [
      from.configMapKeyRef.key ?? DEFAULTS.recipientsKey,
    ]);
  }
  return refs;
}

/** Compares a requirement with the key names an object holds (undefined: not found). */
export function checkReference(
  requirement: ReferenceRequirement,
  keys: ReadonlySet<string> | undefined,
): ObservedReference {
  if (!keys) return { ...requirement, found: false, missingKeys: [...requirement.keys] };
  return { ...requirement, found: true, missingKeys: requirement.keys.filter((k) => !keys.has(k)) };
}
