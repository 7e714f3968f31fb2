import {
  DEFAULTS,
  REASONS,
  RUN_NOW_ANNOTATION,
  type RunTrigger,
} from '../../api/v1alpha1/index.js';
import { formatConditionTime } from '../../domain/conditions.js';
import { planScheduledRun, type Schedule } from '../../domain/schedule.js';
import { jobNameFor } from '../jobs/names.js';
import type { CreateRunAction } from './actions.js';
import type { ObservedRun } from './observation.js';
import { EVENT_REASONS, type PlanDraft } from './plan-draft.js';
import { runNowJobName } from '../jobs/names.js';

/**
 * Starts the runs that are due: the scheduled (or run-once) run through
 * planScheduledRun, then a run-now request. `lastScheduleTime` is persisted
 * state and is also rebuilt from the Jobs that exist, so a lost status write
 * after a create is healed rather than repeated. Returns the runs started.
 */
export function planRuns(draft: PlanDraft, schedule: Schedule | undefined): CreateRunAction[] {
  const created: CreateRunAction[] = [];
  const live = liveRuns(draft.observed.runs);
  const scheduled = planScheduled(draft, schedule, live);
  if (scheduled) created.push(scheduled);
  const runNow = planRunNow(draft, live.length + created.length);
  if (runNow) created.push(runNow);
  return created;
}

/** Runs that occupy the concurrency slot: not finished and not already being deleted. */
export function liveRuns(runs: readonly ObservedRun[]): ObservedRun[] {
  return runs.filter((run) => run.state === 'active' && !run.deleting);
}

function planScheduled(
  draft: PlanDraft,
  schedule: Schedule | undefined,
  live: readonly ObservedRun[],
): CreateRunAction | undefined {
  const { spec, metadata } = draft.observed.backup;
  const { now, status } = draft;
  const lastScheduleTime = latestScheduleTime(status.lastScheduleTime, draft.observed.runs);
  if (lastScheduleTime) status.lastScheduleTime = formatConditionTime(lastScheduleTime);
  const suspend = spec.suspend ?? DEFAULTS.suspend;
  const policy = spec.concurrencyPolicy ?? DEFAULTS.concurrencyPolicy;
  const decision = planScheduledRun({
    schedule,
    creationTime: parseTime(metadata?.creationTimestamp) ?? now,
    lastScheduleTime,
    startingDeadlineSeconds: spec.startingDeadlineSeconds,
    suspend,
    now,
    active: live.length,
    activeScheduledTimes: live.flatMap((r) =>
      r.trigger !== 'run-now' && r.scheduledTime ? [r.scheduledTime] : [],
    ),
    concurrencyPolicy: policy,
  });
  const next = suspend ? undefined : decision.nextScheduleTime;
  status.nextScheduleTime = next ? formatConditionTime(next) : undefined;
  draft.requeueAfter(decision.requeueAfterMs);
  const at = decision.scheduledTime;
  if (decision.action === 'missed-deadline') {
    for (const w of decision.warnings) draft.event('Warning', REASONS.startingDeadlineMissed, w);
    return undefined;
  }
  for (const w of decision.warnings) draft.event('Warning', REASONS.tooManyMissedSchedules, w);
  if (!at || decision.action === 'none') return undefined;
  if (decision.action === 'skip-forbid') {
    const running = live.map((r) => r.name).join(', ');
    draft.event(
      'Normal',
      REASONS.concurrencyForbidden,
      `skipped the run due at ${formatConditionTime(at)}: ${running} is still running (concurrencyPolicy Forbid)`,
    );
    return undefined;
  }
  if (decision.action === 'replace') {
    for (const run of live) {
      draft.action({
        type: 'DeleteJob',
        jobName: run.name,
        propagationPolicy: 'Background',
        why: 'replace',
      });
    }
    const replaced = live.map((r) => r.name).join(', ');
    draft.event(
      'Normal',
      REASONS.replaced,
      `stopped ${replaced} for the run due at ${formatConditionTime(at)} (concurrencyPolicy Replace)`,
    );
  }
  status.lastScheduleTime = formatConditionTime(at);
  return start(draft, jobNameFor(draft.name, at), at, schedule ? 'schedule' : 'once');
}

/**
 * A new value of the run-now annotation starts one run, even when suspended
 * (as `kubectl create job --from=cronjob/...` does), but never next to or in
 * place of another run: it waits until none is active. The Job carries the
 * token, so a run started before a lost status write is recognised.
 */
function planRunNow(draft: PlanDraft, busy: number): CreateRunAction | undefined {
  const token = draft.observed.backup.metadata?.annotations?.[RUN_NOW_ANNOTATION];
  const { status } = draft;
  if (!token || token === status.lastRunNowToken) return undefined;
  if (draft.observed.runs.some((r) => r.runNowToken === token)) {
    status.lastRunNowToken = token;
    return undefined;
  }
  if (busy > 0) {
    draft.event(
      'Normal',
      EVENT_REASONS.runNowWaiting,
      `run-now "${token}" waits for the active run to finish`,
    );
    return undefined;
  }
  status.lastRunNowToken = token;
  return start(draft, runNowJobName(draft.name, draft.now), draft.now, 'run-now', token);
}

function start(
  draft: PlanDraft,
  jobName: string,
  scheduledTime: Date,
  trigger: RunTrigger,
  runNowToken?: string,
): CreateRunAction {
  const action: CreateRunAction = {
    type: 'CreateRun',
    jobName,
    scheduledTime,
    trigger,
    ...(runNowToken === undefined ? {} : { runNowToken }),
  };
  draft.action(action);
  const what =
    trigger === 'run-now'
      ? `run-now "${runNowToken}"`
      : `the ${trigger === 'once' ? 'single' : 'scheduled'} run of ${formatConditionTime(scheduledTime)}`;
  draft.event('Normal', EVENT_REASONS.runStarted, `started Job ${jobName} for ${what}`);
  return action;
}

/** The later of the recorded time and the newest scheduled Job (its time is in its name). */
function latestScheduleTime(
  recorded: string | undefined,
  runs: readonly ObservedRun[],
): Date | undefined {
  let latest = parseTime(recorded);
  for (const run of runs) {
    if (run.trigger === 'run-now' || !run.scheduledTime) continue;
    if (!latest || run.scheduledTime.getTime() > latest.getTime()) latest = run.scheduledTime;
  }
  return latest;
}

function parseTime(text: string | undefined): Date | undefined {
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
