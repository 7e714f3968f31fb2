import {
  findCondition,
  setCondition,
  type Condition,
  type ConditionStatus,
} from '../../domain/conditions.js';

/**
 * The conditions a plan is writing, starting from the observed ones:
 * lastTransitionTime moves only when a status changes, and each change
 * says whether it is a transition (so an Event is emitted once, not on
 * every reconcile).
 */
export class ConditionDraft {
  private conditions: Condition[];

  constructor(
    private readonly previous: readonly Condition[] | undefined,
    private readonly generation: number | undefined,
    private readonly now: Date,
  ) {
    this.conditions = [...(previous ?? [])];
  }

  /** The condition as the observed status had it. */
  before(type: string): Condition | undefined {
    return findCondition(this.previous, type);
  }

  /** Sets a condition; true when its status, reason or message differ from the observed one. */
  set(type: string, status: ConditionStatus, reason: string, message: string): boolean {
    const input = { type, status, reason, message, observedGeneration: this.generation };
    this.conditions = setCondition(this.conditions, input, this.now);
    const before = this.before(type);
    return !(before?.status === status && before.reason === reason && before.message === message);
  }

  list(): Condition[] {
    return this.conditions;
  }
}
