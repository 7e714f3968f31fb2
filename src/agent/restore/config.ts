import { parseStoreUrl, type StoreConfig } from '../../storage/index.js';
import { AgentConfigError, checkEtcd, parseConfigObject, requireString } from '../agent-config.js';
import type { RestoreAgentConfig } from './contract.js';

/** A RestoreAgentConfig that passed validation, with its strings already parsed. */
export interface ValidatedRestoreConfig {
  readonly config: RestoreAgentConfig;
  readonly store: StoreConfig;
  /** Set for a config with a `logical` block. */
  readonly timeouts?: { readonly dialTimeoutMs: number; readonly streamIdleTimeoutMs: number };
}

const RECORD = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const absolute = (v: unknown) => typeof v === 'string' && v.startsWith('/');
const PEER_URL = /^https?:\/\/[^\s/?#@]+\/?$/;
const STAMP = /^\d{8}T\d{6}Z$/;

function checkSource(problems: string[], source: unknown): void {
  if (!RECORD(source)) {
    problems.push('source must be an object');
    return;
  }
  requireString(problems, source, 'destination');
  const { key, name, latestBefore, identityFile } = source;
  if ((key === undefined) === (name === undefined))
    problems.push('source needs exactly one of key or name');
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.startsWith('/')))
    problems.push('source.key must be a relative object key');
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    problems.push('source.name must be a backup name');
  if (
    latestBefore !== undefined &&
    (typeof latestBefore !== 'string' || Number.isNaN(Date.parse(latestBefore)))
  )
    problems.push('source.latestBefore must be an RFC 3339 time');
  if (identityFile !== undefined && !absolute(identityFile))
    problems.push('source.identityFile must be an absolute path');
}

function checkLogical(problems: string[], logical: unknown) {
  if (!RECORD(logical)) {
    problems.push('logical must be an object (mode Logical)');
    return undefined;
  }
  if (typeof logical.prefix !== 'string') problems.push('logical.prefix must be a string');
  if (typeof logical.overwrite !== 'boolean') problems.push('logical.overwrite must be a boolean');
  return checkEtcd(problems, logical.etcd);
}

function checkDataDir(problems: string[], d: unknown): void {
  if (!RECORD(d)) {
    problems.push('dataDir must be an object (mode DataDir)');
    return;
  }
  const member = RECORD(d.member) ? d.member : {};
  requireString(problems, member, 'name');
  if (typeof member.peerURL !== 'string' || !PEER_URL.test(member.peerURL))
    problems.push('dataDir.member.peerURL must be a URL like https://10.0.0.10:2380');
  if (!absolute(d.dataDir)) problems.push('dataDir.dataDir must be an absolute path');
  if (d.swap !== 'directory' && d.swap !== 'member')
    problems.push('dataDir.swap must be directory or member');
  requireString(problems, d, 'initialCluster');
  requireString(problems, d, 'initialClusterToken');
  if (!Number.isSafeInteger(d.bumpRevision) || (d.bumpRevision as number) < 0)
    problems.push('dataDir.bumpRevision must be a non-negative integer');
  if (typeof d.markCompacted !== 'boolean')
    problems.push('dataDir.markCompacted must be a boolean');
  if (typeof d.stamp !== 'string' || !STAMP.test(d.stamp))
    problems.push('dataDir.stamp must be a UTC time like 20260301T120000Z');
}

function checkHeader(problems: string[], raw: Record<string, unknown>): void {
  if (raw.apiVersion !== 'etcdsnapshot.dev/v1alpha1')
    problems.push('apiVersion must be etcdsnapshot.dev/v1alpha1');
  if (raw.kind !== 'RestoreAgentConfig') problems.push('kind must be RestoreAgentConfig');
  for (const field of ['restore.name', 'restore.namespace', 'restore.uid', 'job'])
    requireString(problems, raw, field);
  if (raw.mode !== 'Logical' && raw.mode !== 'DataDir')
    problems.push('mode must be Logical or DataDir');
  if (typeof raw.dryRun !== 'boolean') problems.push('dryRun must be a boolean');
  if (!absolute(raw.workDir)) problems.push('workDir must be an absolute path');
}

/** Parses and validates the controller's JSON; every problem is listed in one AgentConfigError. */
export function parseRestoreAgentConfig(text: string): ValidatedRestoreConfig {
  const raw = parseConfigObject(text);
  const problems: string[] = [];
  checkHeader(problems, raw);
  checkSource(problems, raw.source);
  let timeouts: ReturnType<typeof checkEtcd>;
  if (raw.mode === 'Logical' || raw.logical !== undefined)
    timeouts = checkLogical(problems, raw.logical);
  if (raw.mode === 'DataDir' && !raw.dryRun) checkDataDir(problems, raw.dataDir);
  let store: StoreConfig | undefined;
  const destination = RECORD(raw.source) ? raw.source.destination : undefined;
  if (typeof destination === 'string' && destination !== '') {
    try {
      store = parseStoreUrl(destination);
    } catch (err) {
      problems.push(`source.destination: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0 || !store)
    throw new AgentConfigError(`invalid agent config: ${problems.join('; ')}`);
  const config = raw as unknown as RestoreAgentConfig;
  if (timeouts?.dialTimeoutMs === undefined || timeouts.streamIdleTimeoutMs === undefined)
    return { config, store };
  return {
    config,
    store,
    timeouts: {
      dialTimeoutMs: timeouts.dialTimeoutMs,
      streamIdleTimeoutMs: timeouts.streamIdleTimeoutMs,
    },
  };
}
