import { Type, type Static } from '@sinclair/typebox';
import { DEFAULTS } from './constants.js';
import {
  cel,
  defaultedKey,
  duration,
  int64,
  list,
  obj,
  objectName,
  str,
  stringEnum,
  timestamp,
} from './schema.js';

const { Optional } = Type;

/** A key of a Secret or ConfigMap in the resource's namespace. */
export const KeySelector = (
  what: 'Secret' | 'ConfigMap',
  description: string,
  defaultKey: string,
) =>
  obj(description, {
    name: objectName(`Name of the ${what} in the same namespace.`),
    key: defaultedKey(`Key in the ${what}'s data.`, defaultKey),
  });
export type KeySelector = Static<ReturnType<typeof KeySelector>>;

export const EtcdTlsSecretRef = obj(
  'Secret with the client TLS material for etcd. A kubernetes.io/tls Secret with ca.crt works as is; other key names can be set.',
  {
    name: objectName('Name of the Secret in the same namespace.'),
    caKey: defaultedKey(
      'Key holding the PEM CA bundle that signed the etcd server certificate.',
      DEFAULTS.tlsCaKey,
    ),
    certKey: defaultedKey('Key holding the PEM client certificate.', DEFAULTS.tlsCertKey),
    keyKey: defaultedKey(
      'Key holding the PEM private key of the client certificate.',
      DEFAULTS.tlsKeyKey,
    ),
  },
);

const absolutePath = (description: string) => str(description, { pattern: '^/', maxLength: 4096 });

export const EtcdTlsFiles = obj(
  "Client TLS files already inside the Job container, e.g. kubeadm's /etc/kubernetes/pki/etcd mounted read-only from the host with jobTemplate.volumes and volumeMounts.",
  {
    caFile: absolutePath('PEM CA bundle, e.g. /etc/kubernetes/pki/etcd/ca.crt.'),
    certFile: absolutePath(
      'PEM client certificate, e.g. /etc/kubernetes/pki/etcd/healthcheck-client.crt.',
    ),
    keyFile: absolutePath('PEM private key, e.g. /etc/kubernetes/pki/etcd/healthcheck-client.key.'),
  },
);

export const EtcdAuthSecretRef = obj(
  'Secret with etcd username/password authentication (etcd RBAC).',
  {
    name: objectName('Name of the Secret in the same namespace.'),
    usernameKey: defaultedKey('Key holding the user name.', DEFAULTS.usernameKey),
    passwordKey: defaultedKey('Key holding the password.', DEFAULTS.passwordKey),
  },
);

export const EtcdConnection = obj(
  'How to reach the etcd cluster.',
  {
    endpoints: list(
      'Client URLs of the etcd members, e.g. https://10.0.0.10:2379. The snapshot is taken from exactly one healthy member.',
      str('An etcd client URL: http:// or https://, a host and a port, no credentials or path.', {
        pattern: '^https?://[^\\s/?#@]+/?$',
        maxLength: 512,
      }),
      { minItems: 1, maxItems: 16 },
    ),
    tlsSecretRef: Optional(EtcdTlsSecretRef),
    tlsFiles: Optional(EtcdTlsFiles),
    authSecretRef: Optional(EtcdAuthSecretRef),
    dialTimeout: Optional(
      duration('How long to wait for a connection to an endpoint, e.g. 10s.', {
        default: DEFAULTS.dialTimeout,
      }),
    ),
    streamIdleTimeout: Optional(
      duration('Abort a snapshot stream that delivers no data for this long, e.g. 2m.', {
        default: DEFAULTS.streamIdleTimeout,
      }),
    ),
  },
  cel({
    rule: '!(has(self.tlsSecretRef) && has(self.tlsFiles))',
    message: 'set tlsSecretRef or tlsFiles, not both',
  }),
);
export type EtcdConnection = Static<typeof EtcdConnection>;

export const Encryption = obj(
  'Client-side encryption with age: only holders of a matching identity can read the snapshots, whoever can read the bucket.',
  {
    recipients: Optional(
      list(
        'age X25519 recipients (public keys), as age-keygen prints them.',
        str('An age recipient: age1 followed by 58 characters.', {
          pattern: '^age1[02-9ac-hj-np-z]{58}$',
        }),
        { maxItems: 32 },
      ),
    ),
    recipientsFrom: Optional(
      obj(
        'Recipients read from a Secret or ConfigMap key, one per line; # comments allowed.',
        {
          secretKeyRef: Optional(
            KeySelector('Secret', 'Secret key holding recipients.', DEFAULTS.recipientsKey),
          ),
          configMapKeyRef: Optional(
            KeySelector('ConfigMap', 'ConfigMap key holding recipients.', DEFAULTS.recipientsKey),
          ),
        },
        cel({
          rule: 'has(self.secretKeyRef) != has(self.configMapKeyRef)',
          message: 'recipientsFrom needs exactly one of secretKeyRef or configMapKeyRef',
        }),
      ),
    ),
  },
  cel({
    rule: '(has(self.recipients) && size(self.recipients) > 0) || has(self.recipientsFrom)',
    message:
      'encryption needs recipients: list them in recipients or point recipientsFrom at a Secret or ConfigMap',
  }),
);
export type Encryption = Static<typeof Encryption>;

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

/** metav1.Condition. */
export const Condition = obj(
  'An observation of one aspect of the resource, in Kubernetes condition form.',
  {
    type: str('Condition type, e.g. Ready.', {
      maxLength: 316,
      pattern: '^[A-Za-z][A-Za-z0-9_.-]*$',
    }),
    status: stringEnum(CONDITION_STATUSES, 'True, False or Unknown.'),
    reason: str('CamelCase reason, stable for matching in alerts.', {
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z](?:[A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('What happened, and what to do about it.', { maxLength: 32768 }),
    lastTransitionTime: timestamp('When the status last changed.'),
    observedGeneration: Optional(
      int64('The metadata.generation this condition was set for.', { minimum: 0 }),
    ),
  },
);
export type Condition = Static<typeof Condition>;

export const conditionList = (types: readonly string[]) =>
  list(`Current conditions: ${types.join(', ')}.`, Condition, {
    maxItems: 16,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
