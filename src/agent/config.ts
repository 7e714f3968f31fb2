import { Value } from '@sinclair/typebox/value';
import {
  BackupAgentConfig,
  checkAgentConfig,
  invalidConfig,
  RestoreAgentConfig,
  StoreConfig as StoreConfigSchema,
} from '../api/agent/index.js';
import { parseDuration } from '../domain/duration.js';
import { parseByteQuantity } from '../domain/quantity.js';
import { DEFAULT_TXN_LIMITS, txnLimitsProblem, type TxnLimits } from '../domain/txn-limits.js';
import {
  retentionPolicyFromSpec,
  type RetentionPolicy,
  type RetentionSpec,
} from '../domain/retention.js';
import { parseRecipients } from '../snapshot/pipeline/encryption.js';
import { validateStoreConfig, type StoreConfig } from '../storage/index.js';

/**
 * The agent's configs: the shape is checked by the contract's schemas
 * (src/api/agent); this is the short semantic pass a schema cannot do
 * (durations, times, age recipients, the store's own rules, retention, fields
 * that go together), with the strings parsed once. It reads defensively, so
 * that one AgentConfigError lists every problem, of shape and of meaning.
 */

export interface EtcdTimeouts {
  readonly dialTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
}

/** A BackupAgentConfig that passed validation, with its strings already parsed. */
export interface ValidatedAgentConfig extends EtcdTimeouts {
  readonly config: BackupAgentConfig;
  readonly store: StoreConfig;
  /** Undefined: no retention configured, nothing is pruned. */
  readonly retention?: RetentionPolicy;
}

/** A RestoreAgentConfig that passed validation, with its strings already parsed. */
export interface ValidatedRestoreConfig {
  readonly config: RestoreAgentConfig;
  readonly store: StoreConfig;
  /** Set for a config with a `logical` block. */
  readonly timeouts?: EtcdTimeouts;
  /** The target's transaction limits, for a config with a `logical` block. */
  readonly limits?: TxnLimits;
}

type Problems = string[];
type Fields = Record<string, unknown>;

const isRecord = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const fields = (v: unknown): Fields => (isRecord(v) ? v : {});

/** Parses `value` when it is a string; a throw becomes a problem line. */
function parsed<T>(
  problems: Problems,
  field: string,
  value: unknown,
  parse: (text: string) => T,
): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return parse(value);
  } catch (err) {
    problems.push(`${field}: ${(err as Error).message}`);
    return undefined;
  }
}

function time(problems: Problems, field: string, value: unknown): void {
  if (typeof value === 'string' && Number.isNaN(Date.parse(value)))
    problems.push(`${field} must be an RFC 3339 time`);
}

function etcdTimeouts(problems: Problems, etcd: Fields, at: string): EtcdTimeouts {
  const tls = etcd.tls;
  if (isRecord(tls) && (tls.certFile === undefined) !== (tls.keyFile === undefined))
    problems.push(`${at}.tls.certFile and ${at}.tls.keyFile go together: set both or neither`);
  const duration = (field: 'dialTimeout' | 'streamIdleTimeout') => {
    const ms = parsed(problems, `${at}.${field}`, etcd[field], parseDuration);
    if (ms === 0) problems.push(`${at}.${field} must be longer than 0`);
    return ms ?? 0;
  };
  return {
    dialTimeoutMs: duration('dialTimeout'),
    streamIdleTimeoutMs: duration('streamIdleTimeout'),
  };
}

function txnLimitsOf(problems: Problems, logical: Fields): TxnLimits {
  const bytes = parsed(
    problems,
    'logical.maxRequestBytes',
    logical.maxRequestBytes,
    parseByteQuantity,
  );
  const limits = {
    maxTxnOps:
      typeof logical.maxTxnOps === 'number' ? logical.maxTxnOps : DEFAULT_TXN_LIMITS.maxTxnOps,
    maxRequestBytes: bytes ?? DEFAULT_TXN_LIMITS.maxRequestBytes,
  };
  const problem = txnLimitsProblem(limits, {
    maxTxnOps: 'logical.maxTxnOps',
    maxRequestBytes: 'logical.maxRequestBytes',
  });
  if (problem) problems.push(problem);
  return limits;
}

function encryptionProblems(problems: Problems, encryption: unknown): void {
  if (!isRecord(encryption) || !Array.isArray(encryption.recipients)) return;
  const recipients = encryption.recipients.filter((r): r is string => typeof r === 'string');
  parsed(problems, 'encryption.recipients', recipients.join('\n'), parseRecipients);
  if (recipients.length === 0 && encryption.recipientsFile === undefined)
    problems.push('encryption needs recipients or a recipientsFile');
}

/** The store config checked by its kind's plug-in, once its shape passed the schema. */
function storeOf(problems: Problems, field: string, value: unknown): StoreConfig | undefined {
  if (!Value.Check(StoreConfigSchema, value)) return undefined;
  try {
    return validateStoreConfig(value);
  } catch (err) {
    problems.push(`${field}: ${(err as Error).message}`);
    return undefined;
  }
}

function retentionOf(problems: Problems, spec: unknown): RetentionPolicy | undefined {
  if (!isRecord(spec)) return undefined;
  try {
    return retentionPolicyFromSpec(spec as RetentionSpec);
  } catch (err) {
    problems.push(`retention: ${(err as Error).message}`);
    return undefined;
  }
}

export function parseBackupAgentConfig(text: string): ValidatedAgentConfig {
  const { raw, problems } = checkAgentConfig(BackupAgentConfig, text);
  time(problems, 'run.scheduledTime', fields(raw.run).scheduledTime);
  const timeouts = etcdTimeouts(problems, fields(raw.etcd), 'etcd');
  const store = storeOf(problems, 'store', raw.store);
  encryptionProblems(problems, raw.encryption);
  const retention = retentionOf(problems, raw.retention);
  if (problems.length > 0 || !store) throw invalidConfig(problems);
  const config = raw as BackupAgentConfig;
  return { config, store, ...timeouts, ...(retention ? { retention } : {}) };
}

export function parseRestoreAgentConfig(text: string): ValidatedRestoreConfig {
  const { raw, problems } = checkAgentConfig(RestoreAgentConfig, text);
  const source = fields(raw.source);
  if ((source.key === undefined) === (source.name === undefined))
    problems.push('source needs exactly one of key or name');
  time(problems, 'source.latestBefore', source.latestBefore);
  if (raw.mode === 'Logical' && !isRecord(raw.logical))
    problems.push('logical is needed with mode Logical');
  if (raw.mode === 'DataDir' && raw.dryRun === false && !isRecord(raw.dataDir))
    problems.push('dataDir is needed with mode DataDir');
  const logical = isRecord(raw.logical) ? raw.logical : undefined;
  const timeouts = logical && etcdTimeouts(problems, fields(logical.etcd), 'logical.etcd');
  const limits = logical && txnLimitsOf(problems, logical);
  const store = storeOf(problems, 'source.store', source.store);
  if (problems.length > 0 || !store) throw invalidConfig(problems);
  const config = raw as RestoreAgentConfig;
  return { config, store, ...(timeouts ? { timeouts } : {}), ...(limits ? { limits } : {}) };
}
