import {
  BACKUP_CONDITIONS,
  DEFAULTS,
  REASONS,
  type EtcdBackupSpec,
} from '../../api/v1alpha1/index.js';
import { parseDuration } from '../../domain/duration.js';
import { retentionPolicyFromSpec } from '../../domain/retention.js';
import { isScheduleError, parseSchedule, type Schedule } from '../../domain/schedule.js';
import type { PlanDraft } from './plan-draft.js';
import { referenceProblem, type ObservedReference } from '../references.js';

/** Secrets and ConfigMaps are not watched: look again this often while one is missing. */
export const REFERENCE_RECHECK_MS = 60_000;

export type Validation =
  | {
      readonly valid: true;
      /** Undefined: the backup runs once. */
      readonly schedule?: Schedule;
      readonly staleAfterMs?: number;
      /** How long one run may take (snapshotTimeout): the staleness default allows for it. */
      readonly runAllowanceMs: number;
    }
  | {
      readonly valid: false;
      readonly reason: string;
      readonly message: string;
      /** Set when a watch will not tell us about the fix (a Secret created later). */
      readonly recheckMs?: number;
    };

/**
 * Whether a run can start: the spec parses (schedule, time zone, durations,
 * retention) and every referenced Secret/ConfigMap and key exists. The
 * schema already rejects most mistakes; these are the ones only code can see.
 * The first problem is reported, with the field and the fix.
 */
export function validateBackup(
  spec: EtcdBackupSpec,
  references: readonly ObservedReference[],
): Validation {
  let schedule: Schedule | undefined;
  if (spec.schedule !== undefined) {
    const parsed = parseSchedule(spec.schedule, spec.timeZone);
    if (isScheduleError(parsed)) {
      const field = parsed.reason === 'InvalidTimeZone' ? 'spec.timeZone' : 'spec.schedule';
      return invalid(parsed.reason, `${field}: ${parsed.message}`);
    }
    schedule = parsed;
  }
  if (spec.retention) {
    const { maxTotalSize, ...rest } = spec.retention;
    try {
      retentionPolicyFromSpec({
        ...rest,
        ...(maxTotalSize === undefined ? {} : { maxTotalSize: String(maxTotalSize) }),
      });
    } catch (err) {
      return invalid(REASONS.invalidRetention, `spec.retention: ${(err as Error).message}`);
    }
  }
  const durations = parseDurations(spec);
  if ('problem' in durations) return invalid(REASONS.invalidSpec, durations.problem);
  const missing = referenceProblem(references);
  if (missing) return { ...missing, valid: false, recheckMs: REFERENCE_RECHECK_MS };
  return { valid: true, schedule, ...durations };
}

/** Sets Ready from the validation; a Warning Event only when the problem is new. */
export function planReady(draft: PlanDraft, validation: Validation): void {
  const ready = BACKUP_CONDITIONS.ready;
  if (!validation.valid) {
    const changed = draft.condition(ready, 'False', validation.reason, validation.message);
    if (changed) draft.event('Warning', validation.reason, validation.message);
    draft.requeueAfter(validation.recheckMs);
    return;
  }
  const { schedule } = validation;
  if (schedule) {
    const message = `runs on schedule "${schedule.expression}" in ${schedule.timeZone}`;
    draft.condition(ready, 'True', REASONS.scheduled, message);
  } else {
    draft.condition(ready, 'True', REASONS.runOnce, 'no spec.schedule: runs once');
  }
}

function parseDurations(
  spec: EtcdBackupSpec,
): { runAllowanceMs: number; staleAfterMs?: number } | { problem: string } {
  const fields: Array<[string, string | undefined]> = [
    ['spec.snapshotTimeout', spec.snapshotTimeout],
    ['spec.staleAfter', spec.staleAfter],
    ['spec.etcd.dialTimeout', spec.etcd.dialTimeout],
    ['spec.etcd.streamIdleTimeout', spec.etcd.streamIdleTimeout],
  ];
  const parsed: Array<number | undefined> = [];
  for (const [field, text] of fields) {
    try {
      parsed.push(text === undefined ? undefined : parseDuration(text));
    } catch (err) {
      return { problem: `${field}: ${(err as Error).message}` };
    }
  }
  const [timeout, staleAfter] = parsed;
  if (staleAfter === 0) return { problem: 'spec.staleAfter: must be more than 0, e.g. 26h' };
  return {
    runAllowanceMs: timeout ?? parseDuration(DEFAULTS.snapshotTimeout),
    ...(staleAfter === undefined ? {} : { staleAfterMs: staleAfter }),
  };
}

function invalid(reason: string, message: string): Validation {
  return { valid: false, reason, message };
}
