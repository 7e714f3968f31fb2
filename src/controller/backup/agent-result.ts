import type { BackupAgentResult } from '../../agent/contract.js';
import { isRecord, parseResultMessage } from '../agent-result.js';

/** A BackupAgentResult from a termination message, else undefined (see ../agent-result.ts). */
export function parseAgentResult(message: string | undefined): BackupAgentResult | undefined {
  return parseResultMessage<BackupAgentResult>(
    message,
    'BackupAgentResult',
    (value) =>
      (value.snapshot === undefined || validSnapshot(value.snapshot)) &&
      (value.retention === undefined || validRetention(value.retention)),
  );
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

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
