import type { RestoreProgress } from '../../../../src/api/agent/index.js';
import type { ObservedRestoreJob } from '../../../../src/controller/restore/observation.js';
import {
  progressMessage,
  progressStatus,
} from '../../../../src/controller/restore/plan-progress.js';

const job = (
  progress?: RestoreProgress,
  state: ObservedRestoreJob['state'] = 'active',
): ObservedRestoreJob => ({
  name: 'j',
  state,
  ...(progress ? { progress } : {}),
});
const T1 = '2026-03-01T12:00:01Z';
const T2 = '2026-03-01T12:00:02Z';

describe('progressStatus', () => {
  it('is undefined when no running Job reported progress', () => {
    expect(progressStatus([job(), undefined])).toBeUndefined();
    expect(
      progressStatus([job({ phase: 'Writing', keys: 1, totalKeys: 2, time: T1 }, 'succeeded')]),
    ).toBeUndefined();
  });

  it('sums DataDir members in the phase of the one furthest behind, newest time', () => {
    const status = progressStatus([
      job({ phase: 'Downloading', bytes: 30, totalBytes: 100, time: T1 }),
      job({ phase: 'Downloading', bytes: 50, totalBytes: 100, time: T2 }),
      job({ phase: 'Restoring', time: T2 }),
    ]);
    expect(status).toEqual({
      phase: 'Downloading',
      bytes: 80,
      totalBytes: 200,
      percent: 40,
      updateTime: T2,
    });
    expect(progressMessage(status!)).toBe('downloading the snapshot: 80 B of 200 B (40%)');
  });

  it('a phase without counts has no percent', () => {
    const status = progressStatus([job({ phase: 'Compacting', time: T1 })]);
    expect(status).toEqual({ phase: 'Compacting', updateTime: T1 });
    expect(progressMessage(status!)).toBe('compacting and defragmenting the target');
  });
});
