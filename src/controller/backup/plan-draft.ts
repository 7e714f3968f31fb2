import type { EtcdBackupStatus } from '../../api/v1alpha1/index.js';
import {
  findCondition,
  setCondition,
  type Condition,
  type ConditionStatus,
} from '../../domain/conditions.js';
import { MAX_REQUEUE_MS } from '../../domain/schedule.js';
import type { BackupAction } from './actions.js';
import type { ObservedBackup } from './observed.js';

export type EventType = 'Normal' | 'Warning';

export interface PlannedEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** Event reasons that are not condition reasons (those are REASONS in the API). */
export const EVENT_REASONS = {
  runStarted: 'RunStarted',
  backupSucceeded: 'BackupSucceeded',
  backupFailed: 'BackupFailed',
  runNowWaiting: 'RunNowWaiting',
  snapshotsDeleted: 'SnapshotsDeleted',
} as const;

/** A run this plan records into the history for the first time (for metrics). */
export interface FinishedRun {
  readonly job: string;
  readonly result: 'Succeeded' | 'Failed';
  readonly reason: string;
  readonly durationSeconds?: number;
}

export type MutableStatus = { -readonly [K in keyof EtcdBackupStatus]: EtcdBackupStatus[K] };

/**
 * The plan being built: the sub-planners (validation, results, schedule,
 * deletion, conditions) each add their actions, events, condition changes
 * and requeue wishes here, in the order planBackup calls them.
 */
export class PlanDraft {
  readonly actions: BackupAction[] = [];
  readonly events: PlannedEvent[] = [];
  readonly finished: FinishedRun[] = [];
  readonly status: MutableStatus;
  readonly previous: EtcdBackupStatus;
  readonly generation: number | undefined;
  private conditions: Condition[];
  private requeues: number[] = [];

  constructor(
    readonly observed: ObservedBackup,
    readonly now: Date,
  ) {
    this.previous = observed.backup.status ?? {};
    this.status = { ...this.previous };
    this.conditions = [...(this.previous.conditions ?? [])];
    this.generation = observed.backup.metadata?.generation;
  }

  get name(): string {
    return this.observed.backup.metadata?.name ?? '';
  }

  action(action: BackupAction): void {
    this.actions.push(action);
  }

  event(type: EventType, reason: string, message: string): void {
    this.events.push({ type, reason, message });
  }

  /** The condition as the previous status had it. */
  previousCondition(type: string): Condition | undefined {
    return findCondition(this.previous.conditions, type);
  }

  /**
   * Sets a condition; true when its status, reason or message differ from the
   * previous status, so callers can emit an Event only on a transition.
   */
  condition(type: string, status: ConditionStatus, reason: string, message: string): boolean {
    const input = { type, status, reason, message, observedGeneration: this.generation };
    this.conditions = setCondition(this.conditions, input, this.now);
    const before = this.previousCondition(type);
    return !(before?.status === status && before.reason === reason && before.message === message);
  }

  conditionList(): Condition[] {
    return this.conditions;
  }

  /** Asks to be reconciled again within `ms`; the earliest wish wins. */
  requeueAfter(ms: number | undefined): void {
    if (ms !== undefined && Number.isFinite(ms)) this.requeues.push(Math.max(0, ms));
  }

  get requeueAfterMs(): number | undefined {
    if (this.requeues.length === 0) return undefined;
    return Math.min(MAX_REQUEUE_MS, ...this.requeues);
  }
}
