import { Type, type Static } from '@sinclair/typebox';
import { KeySelector } from './common.js';
import {
  CHECKSUM_SETTINGS,
  DEFAULTS,
  MAX_PART_SIZE_MIB,
  MAX_QUEUE_SIZE,
  MIN_PART_SIZE_MIB,
  SSE_MODES,
  STORAGE_CLASSES,
} from './constants.js';
import {
  bool,
  cel,
  dataKey,
  defaultedKey,
  int,
  obj,
  objectName,
  str,
  stringEnum,
} from './schema.js';

/**
 * Where snapshots go; mirrors api/agent/store.ts (the same options as the
 * CLI's s3:// URLs), with Secrets/ConfigMaps in place of files and environment.
 */

const { Optional } = Type;

export const S3CredentialsSecretRef = obj(
  'Secret with static S3 credentials. Leave unset to use ambient credentials: IRSA, EKS pod identity or the instance profile.',
  {
    name: objectName('Name of the Secret in the same namespace.'),
    accessKeyIdKey: defaultedKey('Key holding the access key id.', DEFAULTS.accessKeyIdKey),
    secretAccessKeyKey: defaultedKey(
      'Key holding the secret access key.',
      DEFAULTS.secretAccessKeyKey,
    ),
    sessionTokenKey: Optional(dataKey('Key holding a session token, for temporary credentials.')),
  },
);

export const S3Destination = obj(
  'An S3 or S3-compatible bucket (MinIO, Ceph RGW, versitygw, ...).',
  {
    bucket: str('Bucket name.', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$' }),
    prefix: Optional(
      str(
        'Key prefix inside the bucket, e.g. clusters/prod/. Each EtcdBackup writes under <prefix><backup name>/.',
        {
          maxLength: 512,
          pattern: '^(?:[^/].*)?$',
        },
      ),
    ),
    endpoint: Optional(
      str(
        'Custom endpoint URL for S3-compatible servers, e.g. https://minio.example:9000. AWS S3 when unset.',
        {
          pattern: '^https?://[^\\s@?#]+$',
          maxLength: 512,
        },
      ),
    ),
    region: Optional(str('Region, e.g. us-east-1.', { pattern: '^[a-z0-9-]+$', maxLength: 64 })),
    forcePathStyle: Optional(
      bool(
        'Address the bucket in the path rather than the host name. Defaults to true with a custom endpoint, false on AWS.',
      ),
    ),
    caBundleSecretRef: Optional(
      KeySelector(
        'Secret',
        'Secret key with extra PEM CA certificates trusted for the endpoint.',
        DEFAULTS.caBundleKey,
      ),
    ),
    caBundleConfigMapRef: Optional(
      KeySelector(
        'ConfigMap',
        'ConfigMap key with extra PEM CA certificates trusted for the endpoint.',
        DEFAULTS.caBundleKey,
      ),
    ),
    credentialsSecretRef: Optional(S3CredentialsSecretRef),
    sse: Optional(
      stringEnum(SSE_MODES, 'Server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS).'),
    ),
    kmsKeyId: Optional(
      str('KMS key id or ARN for sse aws:kms; the bucket default key when unset.', {
        minLength: 1,
        maxLength: 2048,
      }),
    ),
    storageClass: Optional(
      stringEnum(STORAGE_CLASSES, 'Storage class of the snapshot objects, e.g. STANDARD_IA.'),
    ),
    checksum: Optional(
      stringEnum(
        CHECKSUM_SETTINGS,
        'Flexible checksum algorithm for uploads; none for older S3-compatible servers.',
      ),
    ),
    partSizeMiB: Optional(
      int('Multipart upload part size in MiB.', {
        minimum: MIN_PART_SIZE_MIB,
        maximum: MAX_PART_SIZE_MIB,
      }),
    ),
    queueSize: Optional(
      int('Parts uploaded in parallel.', { minimum: 1, maximum: MAX_QUEUE_SIZE }),
    ),
  },
  cel(
    {
      rule: "!has(self.kmsKeyId) || (has(self.sse) && self.sse == 'aws:kms')",
      message: 'kmsKeyId needs sse: aws:kms: set sse to aws:kms or remove kmsKeyId',
      fieldPath: '.kmsKeyId',
    },
    {
      rule: '!(has(self.caBundleSecretRef) && has(self.caBundleConfigMapRef))',
      message: 'set caBundleSecretRef or caBundleConfigMapRef, not both',
    },
  ),
);
export type S3Destination = Static<typeof S3Destination>;

export const VolumeDestination = obj(
  'A volume mounted into the snapshot Job: a PersistentVolumeClaim or a host path.',
  {
    persistentVolumeClaim: Optional(
      obj('A PersistentVolumeClaim in the same namespace.', {
        claimName: objectName('Name of the PersistentVolumeClaim.'),
      }),
    ),
    hostPath: Optional(
      obj('A directory on the node the Job runs on; pin the Job with jobTemplate.nodeSelector.', {
        path: str('Absolute path on the node.', { pattern: '^/', maxLength: 4096 }),
        type: Optional(
          stringEnum(
            ['DirectoryOrCreate', 'Directory'],
            'Whether the directory is created when missing.',
            {
              default: DEFAULTS.hostPathType,
            },
          ),
        ),
      }),
    ),
    subPath: Optional(
      str('Directory inside the volume, relative, without .. segments.', {
        pattern: '^[^/](?:.*[^/])?$',
        maxLength: 1024,
      }),
    ),
  },
  cel({
    rule: 'has(self.persistentVolumeClaim) != has(self.hostPath)',
    message: 'volume needs exactly one source: set persistentVolumeClaim or hostPath',
  }),
);
export type VolumeDestination = Static<typeof VolumeDestination>;

export const Destination = obj(
  'Where snapshots are stored: exactly one of s3 or volume.',
  { s3: Optional(S3Destination), volume: Optional(VolumeDestination) },
  cel(
    {
      rule: 'has(self.s3) || has(self.volume)',
      message: 'destination needs s3 or volume: set one of them',
    },
    {
      rule: '!(has(self.s3) && has(self.volume))',
      message: 'destination takes s3 or volume, not both: remove one of them',
    },
  ),
);
export type Destination = Static<typeof Destination>;
