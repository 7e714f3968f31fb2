import type { RestoreProgress } from '../../api/agent/index.js';
import type { RestoreProgressUpdate } from './agent.js';

/** How often a progress line is logged while a phase goes on (a new phase is logged at once). */
export const PROGRESS_INTERVAL_MS = 2000;

/**
 * Turns the agent's many progress updates into a line every few seconds (and
 * one at each new phase), stamped with the time: what the controller reads
 * back from the Pod's log for status.progress.
 */
export function throttledProgress(
  write: (progress: RestoreProgress) => void,
  now: () => Date = () => new Date(),
  intervalMs = PROGRESS_INTERVAL_MS,
): (update: RestoreProgressUpdate) => void {
  let last: { phase: string; at: number } | undefined;
  return (update) => {
    const at = now();
    if (last && last.phase === update.phase && at.getTime() - last.at < intervalMs) return;
    last = { phase: update.phase, at: at.getTime() };
    write({ ...update, time: at.toISOString() });
  };
}
