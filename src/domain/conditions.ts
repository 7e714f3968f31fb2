/**
 * Kubernetes status conditions on plain objects, as `meta.SetStatusCondition`
 * keeps them, but immutable: every change returns a new array.
 *
 * - `lastTransitionTime` moves only when `status` changes; a new reason,
 *   message or generation updates the condition in place.
 * - Conditions are kept sorted by type, so the array does not depend on the
 *   order a reconcile happened to set them in, and a status write compares
 *   equal when nothing changed.
 * - Times are RFC 3339 with whole seconds, as the API server writes
 *   `metav1.Time`, so a condition read back compares equal to the one written.
 * - A type or reason that breaks the API convention is a programmer error
 *   (they are constants), so it throws RangeError rather than reach the API
 *   server's validation.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  /** CamelCase, e.g. `SnapshotSucceeded`. */
  readonly reason: string;
  readonly message: string;
  /** RFC 3339, whole seconds. */
  readonly lastTransitionTime: string;
  readonly observedGeneration?: number;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** The API's limits (metav1.Condition validation). */
const TYPE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const MAX_TYPE_LENGTH = 316;
const MAX_REASON_LENGTH = 1024;
const MAX_MESSAGE_LENGTH = 32768;
const STATUSES: readonly string[] = ['True', 'False', 'Unknown'];

/** Returns a new array with `input` set; see the module comment for when the time moves. */
export function setCondition(
  conditions: readonly Condition[],
  input: ConditionInput,
  now: Date,
): Condition[] {
  assertInput(input);
  const existing = findCondition(conditions, input.type);
  const lastTransitionTime =
    existing && existing.status === input.status
      ? existing.lastTransitionTime
      : formatConditionTime(now);
  const condition: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: truncate(input.message),
    lastTransitionTime,
    ...(input.observedGeneration === undefined
      ? {}
      : { observedGeneration: input.observedGeneration }),
  };
  return sortByType([...conditions.filter((c) => c.type !== input.type), condition]);
}

/** Returns a new array without conditions of `type`. */
export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

export function isFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'False';
}

/** `2026-03-01T12:00:00Z`: RFC 3339 in UTC with whole seconds, as `metav1.Time`. */
export function formatConditionTime(time: Date): string {
  if (Number.isNaN(time.getTime())) throw new RangeError('condition time is not a valid date');
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sortByType(conditions: Condition[]): Condition[] {
  return conditions.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function truncate(message: string): string {
  if (message.length <= MAX_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...`;
}

function assertInput(input: ConditionInput): void {
  if (!(TYPE.test(input.type) && input.type.length <= MAX_TYPE_LENGTH)) {
    throw new RangeError(`condition type "${input.type}" is not a valid condition type`);
  }
  if (!STATUSES.includes(input.status)) {
    throw new RangeError(`condition status "${input.status}" is not True, False or Unknown`);
  }
  if (!(REASON.test(input.reason) && input.reason.length <= MAX_REASON_LENGTH)) {
    throw new RangeError(`condition reason "${input.reason}" is not CamelCase`);
  }
  const generation = input.observedGeneration;
  if (generation !== undefined && !(Number.isSafeInteger(generation) && generation >= 0)) {
    throw new RangeError(`observedGeneration ${generation} is not a whole number >= 0`);
  }
}
