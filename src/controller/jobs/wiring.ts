import {
  AGENT_ENV,
  AGENT_ETCD_TLS_DIR,
  AGENT_RECIPIENTS_DIR,
  type BackupAgentConfig,
} from '../../api/agent/index.js';
import type { Encryption, EtcdConnection } from '../../api/v1alpha1/common.js';
import { DEFAULTS } from '../../api/v1alpha1/constants.js';
import type { EnvVarShape, VolumeMountShape, VolumeShape } from './kube-shapes.js';
import { ProjectError } from '../../api/errors.js';

/**
 * How a spec's Secret and ConfigMap references reach the agent: as
 * `secretKeyRef` env vars and read-only volumes at fixed container paths.
 * The same walk lists each reference with the keys it must hold and the spec
 * field that names it, so the controllers check exactly what the Pod will
 * mount (a missing one would leave it stuck in ContainerCreating). Only
 * names and keys of Secrets are handled here, never their values.
 */

/** Our volumes' names, prefixed so they cannot collide with jobTemplate.volumes. */
export const AGENT_VOLUMES = {
  config: 'etcd-snapshot-config',
  etcdTls: 'etcd-snapshot-etcd-tls',
  recipients: 'etcd-snapshot-recipients',
  caBundle: 'etcd-snapshot-s3-ca',
  store: 'etcd-snapshot-store',
  tmp: 'etcd-snapshot-tmp',
} as const;

/** File names inside the mounted directories, whatever the Secret's keys are called. */
export const AGENT_FILES = {
  tlsCa: 'ca.crt',
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
  recipients: 'recipients.txt',
  caBundle: 'ca.crt',
} as const;

/** A Secret or ConfigMap a Job uses, and the keys it must hold. */
export interface ReferenceRequirement {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  /** The spec field that names it, for the message. */
  readonly field: string;
  readonly keys: readonly string[];
}

export interface Wiring {
  readonly volumes: VolumeShape[];
  readonly mounts: VolumeMountShape[];
  readonly env: EnvVarShape[];
  readonly references: ReferenceRequirement[];
}

export const noWiring = (): Wiring => ({ volumes: [], mounts: [], env: [], references: [] });

/** Records that `field` names `kind` `name`, which must hold `keys`. */
export function uses(
  wiring: Wiring,
  kind: ReferenceRequirement['kind'],
  field: string,
  name: string,
  keys: string[],
): void {
  wiring.references.push({ kind, field, name, keys });
}

export const secretEnv = (name: string, secret: string, key: string): EnvVarShape => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

export const readOnlyMount = (name: string, mountPath: string): VolumeMountShape => ({
  name,
  mountPath,
  readOnly: true,
});

/** `at`: the spec field of the connection, e.g. spec.etcd or spec.logical.etcd. */
export function etcdWiring(
  etcd: EtcdConnection,
  at = 'spec.etcd',
): Wiring & {
  readonly tls?: BackupAgentConfig['etcd']['tls'];
} {
  const wiring = noWiring();
  const auth = etcd.authSecretRef;
  if (auth) {
    const { name } = auth;
    const [user, password] = [
      auth.usernameKey ?? DEFAULTS.usernameKey,
      auth.passwordKey ?? DEFAULTS.passwordKey,
    ];
    wiring.env.push(
      secretEnv(AGENT_ENV.etcdUsername, name, user),
      secretEnv(AGENT_ENV.etcdPassword, name, password),
    );
    uses(wiring, 'Secret', `${at}.authSecretRef`, name, [user, password]);
  }
  if (etcd.tlsFiles) return { ...wiring, tls: { ...etcd.tlsFiles } };
  const ref = etcd.tlsSecretRef;
  if (!ref) return wiring;
  const [ca, cert, key] = [
    ref.caKey ?? DEFAULTS.tlsCaKey,
    ref.certKey ?? DEFAULTS.tlsCertKey,
    ref.keyKey ?? DEFAULTS.tlsKeyKey,
  ];
  uses(wiring, 'Secret', `${at}.tlsSecretRef`, ref.name, [ca, cert, key]);
  wiring.volumes.push({
    name: AGENT_VOLUMES.etcdTls,
    secret: {
      secretName: ref.name,
      items: [
        { key: ca, path: AGENT_FILES.tlsCa },
        { key: cert, path: AGENT_FILES.tlsCert },
        { key: key, path: AGENT_FILES.tlsKey },
      ],
    },
  });
  wiring.mounts.push(readOnlyMount(AGENT_VOLUMES.etcdTls, AGENT_ETCD_TLS_DIR));
  const file = (name: string) => `${AGENT_ETCD_TLS_DIR}/${name}`;
  const tls = {
    caFile: file(AGENT_FILES.tlsCa),
    certFile: file(AGENT_FILES.tlsCert),
    keyFile: file(AGENT_FILES.tlsKey),
  };
  return { ...wiring, tls };
}

/** The agent's view of an etcd connection; tls is etcdWiring's. */
export function etcdAgentConfig(
  etcd: EtcdConnection,
  tls: BackupAgentConfig['etcd']['tls'],
): BackupAgentConfig['etcd'] {
  return {
    endpoints: [...etcd.endpoints],
    ...(tls ? { tls } : {}),
    ...(etcd.authSecretRef ? { auth: true } : {}),
    dialTimeout: etcd.dialTimeout ?? DEFAULTS.dialTimeout,
    streamIdleTimeout: etcd.streamIdleTimeout ?? DEFAULTS.streamIdleTimeout,
  };
}

/** Several parts' volumes, mounts and env, in order. */
export function joinWiring(...parts: Wiring[]): Wiring {
  return {
    volumes: parts.flatMap((p) => p.volumes),
    mounts: parts.flatMap((p) => p.mounts),
    env: parts.flatMap((p) => p.env),
    references: parts.flatMap((p) => p.references),
  };
}

export function encryptionWiring(encryption: Encryption | undefined): Wiring & {
  readonly encryption?: BackupAgentConfig['encryption'];
} {
  const wiring = noWiring();
  if (!encryption) return wiring;
  const recipients = [...(encryption.recipients ?? [])];
  const from = encryption.recipientsFrom;
  const at = 'spec.encryption.recipientsFrom';
  if (from?.secretKeyRef) {
    const { name, key = DEFAULTS.recipientsKey } = from.secretKeyRef;
    uses(wiring, 'Secret', `${at}.secretKeyRef`, name, [key]);
    wiring.volumes.push({
      name: AGENT_VOLUMES.recipients,
      secret: { secretName: name, items: [{ key, path: AGENT_FILES.recipients }] },
    });
  } else if (from?.configMapKeyRef) {
    const { name, key = DEFAULTS.recipientsKey } = from.configMapKeyRef;
    uses(wiring, 'ConfigMap', `${at}.configMapKeyRef`, name, [key]);
    wiring.volumes.push({
      name: AGENT_VOLUMES.recipients,
      configMap: { name, items: [{ key, path: AGENT_FILES.recipients }] },
    });
  }
  if (wiring.volumes.length === 0) return { ...wiring, encryption: { recipients } };
  wiring.mounts.push(readOnlyMount(AGENT_VOLUMES.recipients, AGENT_RECIPIENTS_DIR));
  const recipientsFile = `${AGENT_RECIPIENTS_DIR}/${AGENT_FILES.recipients}`;
  return { ...wiring, encryption: { recipients, recipientsFile } };
}

export class JobSpecError extends ProjectError {
  override readonly name = 'JobSpecError';
  readonly code = 'InvalidSpec';
  readonly category = 'usage';
  override get reason(): string {
    return 'InvalidSpec';
  }
}
