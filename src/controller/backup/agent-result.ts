import type { BackupAgentResult } from '../../agent/contract.js';

/**
 * Reads a BackupAgentResult from a container's termination message. The
 * message is whatever the container left (a crash trace, a truncated JSON, an
 * empty string), so anything that is not a well-formed result is undefined,
 * never an exception: the Job's own status still says whether it failed.
 */
export function parseAgentResult(message: string | undefined): BackupAgentResult | undefined {
  if (!message) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.kind !== 'BackupAgentResult') return undefined;
  if (typeof value.succeeded !== 'boolean') return undefined;
  if (!isCamelCase(value.reason) || typeof value.message !== 'string') return undefined;
  if (value.snapshot !== undefined && !validSnapshot(value.snapshot)) return undefined;
  if (value.retention !== undefined && !validRetention(value.retention)) return undefined;
  return value as unknown as BackupAgentResult;
}

function validSnapshot(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const strings = ['key', 'uri', 'sha256', 'revision', 'etcdVersion', 'clusterId'];
  const times = ['startTime', 'endTime'];
  const numbers = ['size', 'storedSize'];
  return (
    strings.every((k) => typeof value[k] === 'string') &&
    times.every((k) => typeof value[k] === 'string' && !Number.isNaN(Date.parse(value[k]))) &&
    numbers.every((k) => isCount(value[k]))
  );
}

function validRetention(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return (
    isCount(value.snapshots) &&
    isCount(value.totalStoredBytes) &&
    isCount(value.removed) &&
    (value.error === undefined || typeof value.error === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A condition reason must be CamelCase, or the status write would be refused. */
function isCamelCase(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,127}$/.test(value);
}
