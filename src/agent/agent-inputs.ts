import { pathToFileURL } from 'node:url';
import { resolveContainerPath } from '../config/fs-root.js';
import type { EtcdConnection } from '../etcd/etcd-source.js';
import { EtcdError } from '../etcd/errors.js';
import { parseRecipients } from '../snapshot/pipeline/encryption.js';
import type { Env, StoreConfig } from '../storage/index.js';
import { AgentConfigError } from '../api/agent/index.js';
import type { ValidatedAgentConfig } from './config.js';
import { AGENT_ENV } from '../api/agent/index.js';

/** Reads a file by its (already resolved) local path. */
export type ReadFile = (file: string) => Buffer;

/** Everything a run needs, read from files and the environment. Holds secrets: never log it. */
export interface AgentInputs {
  readonly connection: EtcdConnection;
  /** With local paths: container paths resolved under ETCD_SNAPSHOT_FS_ROOT. */
  readonly store: StoreConfig;
  readonly recipients: readonly string[];
}

/** Secret values in the environment, to mask in any text that leaves the agent. */
export function agentSecrets(env: Env): string[] {
  return [
    env[AGENT_ENV.etcdPassword],
    env[AGENT_ENV.awsSecretAccessKey],
    env[AGENT_ENV.awsSessionToken],
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

function readTlsFile(file: string, what: string, env: Env, readFile: ReadFile): Buffer {
  try {
    return readFile(resolveContainerPath(file, env));
  } catch (err) {
    throw new EtcdError(
      'TlsError',
      `cannot read the etcd ${what} ${file} (${errnoOf(err)}): mount it into the Job (tlsSecretRef, or jobTemplate volumes and volumeMounts for tlsFiles) and check the agent may read it`,
    );
  }
}

type EtcdBlock = ValidatedAgentConfig['config']['etcd'];

function tlsOf(etcd: EtcdBlock, env: Env, readFile: ReadFile): EtcdConnection['tls'] {
  const tls = etcd.tls;
  if (!tls) return undefined;
  const read = (file: string | undefined, what: string) =>
    file === undefined ? undefined : readTlsFile(file, what, env, readFile);
  return {
    ca: read(tls.caFile, 'CA file'),
    cert: read(tls.certFile, 'client certificate'),
    key: read(tls.keyFile, 'client key'),
  };
}

function authOf(etcd: EtcdBlock, env: Env): EtcdConnection['auth'] {
  if (!etcd.auth) return undefined;
  const username = env[AGENT_ENV.etcdUsername];
  const password = env[AGENT_ENV.etcdPassword];
  if (!username || !password) {
    const missing = [
      ...(username ? [] : [AGENT_ENV.etcdUsername]),
      ...(password ? [] : [AGENT_ENV.etcdPassword]),
    ];
    throw new EtcdError(
      'InvalidConfig',
      `etcd auth is on but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} empty: check the auth Secret holds the username and password keys`,
    );
  }
  return { username, password };
}

function recipientsOf(v: ValidatedAgentConfig, env: Env, readFile: ReadFile): string[] {
  const encryption = v.config.encryption;
  if (!encryption) return [];
  const lines = [...encryption.recipients];
  const file = encryption.recipientsFile;
  if (file !== undefined) {
    try {
      lines.push(readFile(resolveContainerPath(file, env)).toString('utf8'));
    } catch (err) {
      throw new AgentConfigError(
        `cannot read the age recipients file ${file} (${errnoOf(err)}): check encryption.recipientsFrom names an existing key`,
      );
    }
  }
  let recipients: string[];
  try {
    recipients = parseRecipients(lines.join('\n'));
  } catch (err) {
    throw new AgentConfigError(`${file ?? 'encryption.recipients'}: ${(err as Error).message}`);
  }
  if (recipients.length === 0)
    throw new AgentConfigError(
      `encryption is on but ${file ?? 'encryption.recipients'} lists no age recipient: add one (age-keygen prints it)`,
    );
  return recipients;
}

/** The etcd connection of a config's `etcd` block: TLS files read, auth from the environment. */
export function loadEtcdConnection(
  etcd: EtcdBlock,
  timeouts: { readonly dialTimeoutMs: number; readonly streamIdleTimeoutMs: number },
  env: Env,
  readFile: ReadFile,
): EtcdConnection {
  return {
    endpoints: etcd.endpoints,
    tls: tlsOf(etcd, env, readFile),
    auth: authOf(etcd, env),
    dialTimeoutMs: timeouts.dialTimeoutMs,
    streamIdleTimeoutMs: timeouts.streamIdleTimeoutMs,
  };
}

/** Container paths in the destination (CA bundle, volume directory) as local paths. */
export function localStoreConfig(store: StoreConfig, env: Env): StoreConfig {
  if (store.kind === 'file')
    return { kind: 'file', directory: resolveContainerPath(store.directory, env) };
  return store.caBundle === undefined
    ? store
    : { ...store, caBundle: resolveContainerPath(store.caBundle, env) };
}

/** The printable address of a stored object, in the destination's own (container) terms. */
export function objectUri(store: StoreConfig, key: string): string {
  if (store.kind === 's3') return `s3://${store.bucket}/${store.prefix}${key}`;
  return `${pathToFileURL(store.directory).href.replace(/\/+$/, '')}/${key}`;
}

/**
 * Reads TLS files, recipients and credentials for a validated config. Failures
 * are typed (EtcdError TlsError/InvalidConfig, AgentConfigError) and their
 * messages name files and variables, never their contents.
 */
export function loadAgentInputs(
  v: ValidatedAgentConfig,
  env: Env,
  readFile: ReadFile,
): AgentInputs {
  return {
    connection: loadEtcdConnection(v.config.etcd, v, env, readFile),
    store: localStoreConfig(v.store, env),
    recipients: recipientsOf(v, env, readFile),
  };
}
