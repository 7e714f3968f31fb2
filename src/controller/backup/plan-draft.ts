import type { EtcdBackupStatus } from '../../api/v1alpha1/index.js';
import type { Condition, ConditionStatus } from '../../domain/conditions.js';
import { MAX_REQUEUE_MS } from '../../domain/schedule.js';
import { ConditionDraft } from '../kit/condition-draft.js';
import type { EventType, PlannedEvent } from '../kit/events.js';
import type { BackupAction } from './actions.js';
import type { ObservedBackup } from './observation.js';

export type { PlannedEvent } from '../kit/events.js';

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
  private readonly conditions: ConditionDraft;
  private requeues: number[] = [];

  constructor(
    readonly observed: ObservedBackup,
    readonly now: Date,
  ) {
    this.previous = observed.backup.status ?? {};
    this.status = { ...this.previous };
    this.generation = observed.backup.metadata?.generation;
    this.conditions = new ConditionDraft(this.previous.conditions, this.generation, now);
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
    return this.conditions.before(type);
  }

  /**
   * Sets a condition; true when its status, reason or message differ from the
   * previous status, so callers can emit an Event only on a transition.
   */
  condition(type: string, status: ConditionStatus, reason: string, message: string): boolean {
    return this.conditions.set(type, status, reason, message);
  }

  conditionList(): Condition[] {
    return this.conditions.list();
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
