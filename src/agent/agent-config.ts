import { RUN_TRIGGERS } from '../api/v1alpha1/constants.js';
import { parseDuration } from '../domain/duration.js';
import { retentionPolicyFromSpec, type RetentionPolicy } from '../domain/retention.js';
import { COMPRESSIONS } from '../snapshot/compression.js';
import { parseRecipients } from '../snapshot/encryption.js';
import { parseStoreUrl, type StoreConfig } from '../storage/index.js';
import type { BackupAgentConfig } from './contract.js';

/** The agent's configuration is wrong: the controller (or whoever wrote it) must fix it; retrying cannot. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
  readonly code = 'InvalidConfig';
}

/** A BackupAgentConfig that passed validation, with its strings already parsed. */
export interface ValidatedAgentConfig {
  readonly config: BackupAgentConfig;
  readonly store: StoreConfig;
  readonly dialTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  /** Undefined: no retention configured, nothing is pruned. */
  readonly retention?: RetentionPolicy;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CLIENT_URL = /^https?:\/\/[^\s/?#@]+\/?$/;
const RECORD = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Problems = string[];

/** Runs `fn`, turning a throw into a problem line; returns undefined then. */
function attempt<T>(problems: Problems, field: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    problems.push(`${field}: ${(err as Error).message}`);
    return undefined;
  }
}

export function requireString(problems: string[], obj: unknown, path: string): string | undefined {
  const value = path.split('.').reduce<unknown>((o, k) => (RECORD(o) ? o[k] : undefined), obj);
  if (typeof value === 'string' && value !== '') return value;
  problems.push(`${path} must be a non-empty string`);
  return undefined;
}

function checkHeader(problems: Problems, raw: Record<string, unknown>): void {
  if (raw.apiVersion !== 'etcdsnapshot.dev/v1alpha1')
    problems.push('apiVersion must be etcdsnapshot.dev/v1alpha1');
  if (raw.kind !== 'BackupAgentConfig') problems.push('kind must be BackupAgentConfig');
  const name = requireString(problems, raw, 'backup.name');
  if (name !== undefined && !DNS_LABEL.test(name))
    problems.push('backup.name must be a DNS-1123 label (it names the snapshot folder)');
  requireString(problems, raw, 'backup.namespace');
  requireString(problems, raw, 'backup.uid');
  requireString(problems, raw, 'run.job');
  const scheduled = requireString(problems, raw, 'run.scheduledTime');
  if (scheduled !== undefined && Number.isNaN(Date.parse(scheduled)))
    problems.push('run.scheduledTime must be an RFC 3339 time');
  const trigger = RECORD(raw.run) ? raw.run.trigger : undefined;
  if (!(RUN_TRIGGERS as readonly unknown[]).includes(trigger))
    problems.push(`run.trigger must be one of ${RUN_TRIGGERS.join(', ')}`);
}

function checkTls(problems: Problems, tls: unknown): void {
  if (tls === undefined) return;
  if (!RECORD(tls)) {
    problems.push('etcd.tls must be an object');
    return;
  }
  for (const field of ['caFile', 'certFile', 'keyFile'] as const) {
    const v = tls[field];
    if (v !== undefined && !(typeof v === 'string' && v.startsWith('/')))
      problems.push(`etcd.tls.${field} must be an absolute path`);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    problems.push('etcd.tls.certFile and etcd.tls.keyFile go together: set both or neither');
}

/** Checks an `etcd` connection block (shared with the restore agent's config). */
export function checkEtcd(problems: string[], etcd: unknown) {
  if (!RECORD(etcd)) {
    problems.push('etcd must be an object');
    return undefined;
  }
  const endpoints = etcd.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0)
    problems.push('etcd.endpoints must list at least one client URL');
  else
    endpoints.forEach((e, i) => {
      if (typeof e !== 'string' || !CLIENT_URL.test(e))
        problems.push(`etcd.endpoints[${i}] must be a client URL like https://10.0.0.10:2379`);
    });
  checkTls(problems, etcd.tls);
  if (etcd.auth !== undefined && typeof etcd.auth !== 'boolean')
    problems.push('etcd.auth must be true or false');
  const duration = (field: 'dialTimeout' | 'streamIdleTimeout') => {
    const text = requireString(problems, etcd, field);
    const ms =
      text === undefined
        ? undefined
        : attempt(problems, `etcd.${field}`, () => parseDuration(text));
    if (ms === 0) problems.push(`etcd.${field} must be longer than 0`);
    return ms;
  };
  return {
    dialTimeoutMs: duration('dialTimeout'),
    streamIdleTimeoutMs: duration('streamIdleTimeout'),
  };
}

function checkEncryption(problems: Problems, encryption: unknown): void {
  if (encryption === undefined) return;
  if (!RECORD(encryption)) {
    problems.push('encryption must be an object');
    return;
  }
  const { recipients, recipientsFile } = encryption;
  if (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string'))
    problems.push('encryption.recipients must be a list of age recipients (it may be empty)');
  else attempt(problems, 'encryption.recipients', () => parseRecipients(recipients.join('\n')));
  if (
    recipientsFile !== undefined &&
    !(typeof recipientsFile === 'string' && recipientsFile.startsWith('/'))
  )
    problems.push('encryption.recipientsFile must be an absolute path');
  if (Array.isArray(recipients) && recipients.length === 0 && recipientsFile === undefined)
    problems.push('encryption needs recipients or a recipientsFile');
}

function checkRetention(problems: Problems, retention: unknown): RetentionPolicy | undefined {
  if (retention === undefined) return undefined;
  if (!RECORD(retention)) {
    problems.push('retention must be an object');
    return undefined;
  }
  return attempt(problems, 'retention', () => retentionPolicyFromSpec(retention));
}

/** The agent config's JSON object, or an AgentConfigError saying why it is not one. */
export function parseConfigObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AgentConfigError(`the agent config is not JSON: ${(err as Error).message}`);
  }
  if (!RECORD(raw)) throw new AgentConfigError('the agent config must be a JSON object');
  return raw;
}

/**
 * Parses and validates the controller's JSON. Every problem is listed in one
 * AgentConfigError, so one failed run shows everything to fix.
 */
export function parseBackupAgentConfig(text: string): ValidatedAgentConfig {
  const raw = parseConfigObject(text);
  const problems: Problems = [];
  checkHeader(problems, raw);
  const timeouts = checkEtcd(problems, raw.etcd);
  const destination = requireString(problems, raw, 'destination');
  const store =
    destination === undefined
      ? undefined
      : attempt(problems, 'destination', () => parseStoreUrl(destination));
  if (!(COMPRESSIONS as readonly unknown[]).includes(raw.compression))
    problems.push(`compression must be one of ${COMPRESSIONS.join(', ')}`);
  checkEncryption(problems, raw.encryption);
  const retention = checkRetention(problems, raw.retention);
  if (problems.length > 0 || !store || !timeouts)
    throw new AgentConfigError(`invalid agent config: ${problems.join('; ')}`);
  return {
    config: raw as unknown as BackupAgentConfig,
    store,
    dialTimeoutMs: timeouts.dialTimeoutMs!,
    streamIdleTimeoutMs: timeouts.streamIdleTimeoutMs!,
    ...(retention === undefined ? {} : { retention }),
  };
}
