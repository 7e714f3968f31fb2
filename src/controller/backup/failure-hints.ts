/**
 * The spec fields a run failure points at, by result reason. The agent's
 * message says what went wrong in its own terms (an endpoint, a CA file, an
 * S3 permission); the controller adds where in the EtcdBackup to fix it.
 */
const FIELDS: Readonly<Record<string, string>> = {
  EtcdUnreachable:
    'spec.etcd.endpoints (on kubeadm control planes also spec.jobTemplate.hostNetwork and nodeSelector)',
  EtcdTlsError: 'spec.etcd.tlsSecretRef or spec.etcd.tlsFiles',
  EtcdAuthFailed: 'spec.etcd.authSecretRef',
  StoreUnreachable: 'spec.destination.s3.endpoint',
  StoreTlsError: 'spec.destination.s3.caBundleSecretRef or caBundleConfigMapRef',
  BucketNotFound: 'spec.destination.s3.bucket',
  AccessDenied:
    "spec.destination.s3.credentialsSecretRef (or the Job service account's ambient credentials)",
  InvalidCredentials: 'spec.destination.s3.credentialsSecretRef',
};

/** The message with the fields to check appended, unless it already names a spec field. */
export function withFieldHint(reason: string, message: string): string {
  const fields = FIELDS[reason];
  if (!fields || message.includes('spec.')) return message;
  return `${message} (see ${fields})`;
}
