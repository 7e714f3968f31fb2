import { formatDuration, parseDuration } from './duration.js';
import { formatBytes, parseByteQuantity } from './quantity.js';
import { compareSnapshotAge } from './snapshot-naming.js';
import { ProjectError } from '../api/errors.js';

/**
 * Retention: which of one backup's snapshots to keep, as a pure plan.
 *
 * Semantics, applied in this order:
 *
 * 1. Only verified snapshots (those with a valid manifest) take part. Unverified
 *    ones come back in `ignored`, never in `keep` or `remove`: cleaning up
 *    incomplete uploads is a separate prune concern, and letting them count
 *    would let a broken object take a slot a good snapshot needed.
 * 2. Selection, a union as in restic, kopia and velero: a snapshot is selected
 *    when ANY count rule selects it. `keepLast` N selects the N newest.
 *    `keepHourly`/`keepDaily`/`keepWeekly`/`keepMonthly` N walk the snapshots
 *    newest first and select the newest snapshot of each UTC hour / UTC day /
 *    ISO-8601 week / UTC month until N distinct periods are taken; a period
 *    with no snapshot does not use up the count. With no count rule set,
 *    every snapshot is selected.
 * 3. Caps, which override selection: a snapshot strictly older than
 *    `now - maxAgeMs` is removed even if a count rule selected it. Then, newest
 *    first, once the running total of `storedSize` exceeds `maxTotalSizeBytes`
 *    that snapshot and every older one are removed (the oldest go first until
 *    the rest fits). Caps never make count rules reach further back.
 * 4. Floor: the newest verified snapshot (by time, then revision) is always
 *    kept, whatever the caps say.
 *
 * Why caps beat counts: the fields are named "max", and users set them as
 * limits: a compliance rule (etcd holds Secrets; "nothing older than 90 days in
 * the bucket") or a bucket quota. Under a union, as with restic's
 * `--keep-within`, any GFS rule would silently defeat them. restic's behaviour
 * is still available: with no count rule, `maxAge` keeps exactly the snapshots
 * within the window. The risk of a hard age cap, that failing backups let age
 * delete everything, is covered by the floor and by the controller pruning
 * only after a successful snapshot, so the newest snapshot is recent whenever
 * this runs. Counts are minimums only within the caps.
 *
 * Order never depends on object names or input order: snapshots are ordered by
 * (time, revision), and by key only between otherwise identical entries.
 */

export interface RetentionCandidate {
  readonly key: string;
  readonly time: Date;
  readonly revision: bigint;
  readonly storedSize: number;
  /** Has a valid manifest. */
  readonly verified: boolean;
}

/** All optional; an empty policy keeps everything. Counts are whole numbers >= 1. */
export interface RetentionPolicy {
  readonly keepLast?: number;
  readonly keepHourly?: number;
  readonly keepDaily?: number;
  readonly keepWeekly?: number;
  readonly keepMonthly?: number;
  readonly maxAgeMs?: number;
  readonly maxTotalSizeBytes?: number;
}

/** The user-facing form (as in the EtcdBackup spec): durations and sizes as strings. */
export interface RetentionSpec extends Omit<RetentionPolicy, 'maxAgeMs' | 'maxTotalSizeBytes'> {
  readonly maxAge?: string;
  readonly maxTotalSize?: string;
}

/** Every list is newest first. */
export interface RetentionPlan<C extends RetentionCandidate = RetentionCandidate> {
  readonly keep: C[];
  readonly remove: Array<{ snapshot: C; reasons: string[] }>;
  readonly keptBecause: Map<string, string[]>;
  /** Unverified snapshots: neither kept nor removed by retention. */
  readonly ignored: C[];
}

export type RetentionPeriod = 'hour' | 'day' | 'week' | 'month';

const COUNT_RULES = [
  ['keepHourly', 'hour'],
  ['keepDaily', 'day'],
  ['keepWeekly', 'week'],
  ['keepMonthly', 'month'],
] as const;
const COUNT_FIELDS = ['keepLast', ...COUNT_RULES.map(([field]) => field)] as const;
const DAY_MS = 86_400_000;

/** A retention spec the user must fix; the message lists every problem. */
export class InvalidRetentionPolicyError extends ProjectError {
  override readonly name = 'InvalidRetentionPolicyError';
  readonly code = 'InvalidRetentionPolicy';
  readonly category = 'usage';
  override get reason(): string {
    return 'InvalidConfig';
  }
}

/** Parses and validates the spec form; throws InvalidRetentionPolicyError naming each bad field. */
export function retentionPolicyFromSpec(spec: RetentionSpec): RetentionPolicy {
  const problems: string[] = [];
  const parse = <T>(field: string, text: string | undefined, fn: (s: string) => T) => {
    if (text === undefined) return undefined;
    try {
      return fn(text);
    } catch (error) {
      problems.push(`${field}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const { maxAge, maxTotalSize, ...counts } = spec;
  const policy: RetentionPolicy = {
    ...counts,
    maxAgeMs: parse('maxAge', maxAge, parseDuration),
    maxTotalSizeBytes: parse('maxTotalSize', maxTotalSize, parseByteQuantity),
  };
  problems.push(...retentionPolicyProblems(policy));
  if (problems.length > 0) throw new InvalidRetentionPolicyError(problems.join('; '));
  return policy;
}

/** Why `policy` is invalid; empty when it is valid. */
export function retentionPolicyProblems(policy: RetentionPolicy): string[] {
  const positive = (v: number | undefined) =>
    v === undefined || (Number.isSafeInteger(v) && v >= 1);
  const problems = COUNT_FIELDS.filter((field) => !positive(policy[field])).map(
    (field) => `${field} must be a whole number of at least 1, got ${policy[field]}`,
  );
  if (!positive(policy.maxAgeMs)) problems.push('maxAge must be at least 1ms');
  if (!positive(policy.maxTotalSizeBytes)) problems.push('maxTotalSize must be at least 1 byte');
  return problems;
}

/** Plans retention for one backup's snapshots; see the module comment for the rules. */
export function planRetention<C extends RetentionCandidate>(
  snapshots: readonly C[],
  policy: RetentionPolicy,
  now: Date,
): RetentionPlan<C> {
  const problems = retentionPolicyProblems(policy);
  if (problems.length > 0) throw new RangeError(`invalid retention policy: ${problems.join('; ')}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid date');
  assertCandidates(snapshots);
  const ordered = [...snapshots].sort(newestFirst);
  const verified = ordered.filter((s) => s.verified);
  const selected = selectByCounts(verified, policy);
  const caps = new Caps(policy, now);
  const plan: RetentionPlan<C> = { keep: [], remove: [], keptBecause: new Map(), ignored: [] };
  plan.ignored.push(...ordered.filter((s) => !s.verified));
  for (const [index, snapshot] of verified.entries()) {
    const selectedBy = selected.get(snapshot.key);
    const against = selectedBy ? caps.check(snapshot) : ['not selected by any count rule'];
    if (index > 0 && against.length > 0) {
      plan.remove.push({ snapshot, reasons: against });
      continue;
    }
    const floor = index > 0 ? [] : ['newest verified snapshot'];
    const overridden = against.map((reason) => `kept although ${reason}`);
    plan.keep.push(snapshot);
    plan.keptBecause.set(snapshot.key, [...floor, ...(selectedBy ?? []), ...overridden]);
    caps.count(snapshot);
  }
  return plan;
}

/** maxAge and maxTotalSize; check then count each kept snapshot, newest first. */
class Caps {
  private readonly now: number;
  private total = 0;
  private overBudget = false;

  constructor(
    private readonly policy: RetentionPolicy,
    now: Date,
  ) {
    this.now = now.getTime();
  }

  /** Why a selected snapshot must still go; empty when it may stay. */
  check(snapshot: RetentionCandidate): string[] {
    const { maxAgeMs, maxTotalSizeBytes } = this.policy;
    if (maxAgeMs !== undefined && snapshot.time.getTime() < this.now - maxAgeMs) {
      const cutoff = new Date(this.now - maxAgeMs).toISOString();
      return [`older than maxAge ${formatDuration(maxAgeMs)} (before ${cutoff})`];
    }
    if (maxTotalSizeBytes === undefined) return [];
    // Once one does not fit, every older one goes too: the oldest are removed first.
    this.overBudget ||= this.total + snapshot.storedSize > maxTotalSizeBytes;
    return this.overBudget ? [`over maxTotalSize ${formatBytes(maxTotalSizeBytes)}`] : [];
  }

  count(kept: RetentionCandidate): void {
    this.total += kept.storedSize;
  }
}

/** The UTC period a time falls in: `2026-03-01T12Z`, `2026-03-01`, `2026-W09`, `2026-03`. */
export function retentionPeriodKey(period: RetentionPeriod, time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const month = `${time.getUTCFullYear()}-${pad(time.getUTCMonth() + 1)}`;
  const day = `${month}-${pad(time.getUTCDate())}`;
  switch (period) {
    case 'hour':
      return `${day}T${pad(time.getUTCHours())}Z`;
    case 'day':
      return day;
    case 'month':
      return month;
    case 'week': {
      // An ISO week belongs to the year of its Thursday; weeks start on Monday.
      const epochDay = Math.floor(time.getTime() / DAY_MS);
      const weekday = (((epochDay + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday = 0
      const thursday = new Date((epochDay - weekday + 3) * DAY_MS);
      const year = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
      return `${year}-W${pad(week)}`;
    }
  }
}

/** Snapshot key -> why count rules selected it; every key when no count rule is set. */
function selectByCounts(
  newestFirstVerified: readonly RetentionCandidate[],
  policy: RetentionPolicy,
) {
  const selected = new Map<string, string[]>();
  const add = (key: string, reason: string) =>
    selected.set(key, [...(selected.get(key) ?? []), reason]);
  if (COUNT_FIELDS.every((field) => policy[field] === undefined)) {
    for (const s of newestFirstVerified) add(s.key, 'no count rule set');
    return selected;
  }
  const keepLast = policy.keepLast ?? 0;
  newestFirstVerified
    .slice(0, keepLast)
    .forEach((s, i) => add(s.key, `keepLast (${i + 1} of ${keepLast})`));
  for (const [field, period] of COUNT_RULES) {
    const limit = policy[field] ?? 0;
    const seen = new Set<string>();
    for (const s of newestFirstVerified) {
      if (seen.size >= limit) break;
      const bucket = retentionPeriodKey(period, s.time);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      add(s.key, `${field} ${bucket}`);
    }
  }
  return selected;
}

function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const byAge = compareSnapshotAge(b, a);
  if (byAge !== 0) return byAge;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function assertCandidates(snapshots: readonly RetentionCandidate[]): void {
  const keys = new Set<string>();
  for (const s of snapshots) {
    if (keys.has(s.key)) throw new RangeError(`duplicate snapshot key '${s.key}'`);
    keys.add(s.key);
    if (Number.isNaN(s.time.getTime()))
      throw new RangeError(`snapshot '${s.key}' has an invalid time`);
    if (typeof s.revision !== 'bigint')
      throw new RangeError(`snapshot '${s.key}' revision is not a bigint`);
    if (!(Number.isFinite(s.storedSize) && s.storedSize >= 0)) {
      throw new RangeError(`snapshot '${s.key}' has an invalid storedSize ${s.storedSize}`);
    }
  }
}
