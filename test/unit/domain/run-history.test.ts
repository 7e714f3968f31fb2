import {
  consecutiveFailures,
  jobsToDelete,
  lastSuccessfulRun,
  recordRunResult,
  type FinishedJobCandidate,
  type RunRecord,
} from '../../../src/domain/run-history.js';

interface Run extends RunRecord {
  readonly jobName: string;
  readonly succeeded: boolean;
  readonly completionTime: string;
  readonly note?: string;
}

/** `ok('a', 3)`: job `a` succeeded at 03:00. */
const ok = (jobName: string, hour: number, note?: string): Run => ({
  jobName,
  succeeded: true,
  completionTime: `2026-03-01T${String(hour).padStart(2, '0')}:00:00Z`,
  ...(note ? { note } : {}),
});
const failed = (jobName: string, hour: number): Run => ({ ...ok(jobName, hour), succeeded: false });
const names = (runs: readonly RunRecord[]) => runs.map((r) => r.jobName);

describe('recordRunResult', () => {
  const cases: Array<{
    name: string;
    history: Run[];
    result: Run;
    limit: number;
    expected: string[];
  }> = [
    { name: 'into an empty history', history: [], result: ok('a', 1), limit: 3, expected: ['a'] },
    {
      name: 'newest first',
      history: [ok('b', 2), ok('a', 1)],
      result: ok('c', 3),
      limit: 5,
      expected: ['c', 'b', 'a'],
    },
    {
      name: 'bounded: the oldest falls off',
      history: [ok('c', 3), ok('b', 2), ok('a', 1)],
      result: ok('d', 4),
      limit: 3,
      expected: ['d', 'c', 'b'],
    },
    {
      name: 'idempotent: the same job twice is one entry',
      history: [ok('b', 2), ok('a', 1)],
      result: ok('b', 2),
      limit: 5,
      expected: ['b', 'a'],
    },
    {
      name: 'recorded out of order: sorted by completion time',
      history: [ok('c', 3), ok('a', 1)],
      result: ok('b', 2),
      limit: 5,
      expected: ['c', 'b', 'a'],
    },
    {
      name: 'older than a full history: no change',
      history: [ok('c', 3), ok('b', 2)],
      result: ok('a', 1),
      limit: 2,
      expected: ['c', 'b'],
    },
    {
      name: 'same completion time: ordered by job name, newest name first',
      history: [ok('a', 1)],
      result: ok('b', 1),
      limit: 5,
      expected: ['b', 'a'],
    },
    {
      name: 'limit 0 keeps nothing',
      history: [ok('a', 1)],
      result: ok('b', 2),
      limit: 0,
      expected: [],
    },
  ];
  it.each(cases)('$name', ({ history, result, limit, expected }) => {
    const before = JSON.stringify(history);
    expect(names(recordRunResult(history, result, limit))).toEqual(expected);
    expect(JSON.stringify(history)).toBe(before);
  });

  it('replaces an entry recorded again with new data, keeping its type', () => {
    const [entry] = recordRunResult([ok('a', 1)], ok('a', 1, 'verified'), 5);
    expect(entry?.note).toBe('verified');
  });

  it('accepts Date completion times', () => {
    const history = recordRunResult<RunRecord>(
      [ok('a', 1)],
      { jobName: 'b', succeeded: true, completionTime: new Date('2026-03-01T02:00:00Z') },
      5,
    );
    expect(names(history)).toEqual(['b', 'a']);
  });

  it.each([-1, 1.5, NaN])('refuses limit %p', (limit) => {
    expect(() => recordRunResult([], ok('a', 1), limit)).toThrow(RangeError);
  });

  it('refuses an invalid completion time', () => {
    expect(() => recordRunResult([], { ...ok('a', 1), completionTime: 'yesterday' }, 3)).toThrow(
      RangeError,
    );
  });
});

describe('consecutiveFailures and lastSuccessfulRun', () => {
  it.each([
    { name: 'empty history', history: [], failures: 0, last: undefined },
    { name: 'newest succeeded', history: [ok('b', 2), failed('a', 1)], failures: 0, last: 'b' },
    {
      name: 'two failures since a success',
      history: [failed('c', 3), failed('b', 2), ok('a', 1)],
      failures: 2,
      last: 'a',
    },
    { name: 'all failed', history: [failed('b', 2), failed('a', 1)], failures: 2, last: undefined },
    {
      name: 'order of the input does not matter',
      history: [ok('a', 1), failed('c', 3), failed('b', 2)],
      failures: 2,
      last: 'a',
    },
  ])('$name', ({ history, failures, last }) => {
    expect(consecutiveFailures(history)).toBe(failures);
    expect(lastSuccessfulRun(history)?.jobName).toBe(last);
  });
});

describe('jobsToDelete', () => {
  const job = (
    name: string,
    hour: number | undefined,
    succeeded: boolean,
    finished = true,
  ): FinishedJobCandidate => ({
    name,
    finished,
    succeeded,
    ...(hour === undefined ? {} : { completionTime: new Date(Date.UTC(2026, 2, 1, hour)) }),
  });
  it.each([
    {
      name: 'nothing beyond the limits',
      jobs: [job('s1', 1, true), job('f1', 2, false)],
      s: 3,
      f: 1,
      expected: [],
    },
    {
      name: 'oldest successful beyond the limit, oldest first',
      jobs: [job('s3', 3, true), job('s1', 1, true), job('s4', 4, true), job('s2', 2, true)],
      s: 2,
      f: 1,
      expected: ['s1', 's2'],
    },
    {
      name: 'limits apply to successes and failures separately',
      jobs: [job('s1', 1, true), job('f2', 2, false), job('s3', 3, true), job('f4', 4, false)],
      s: 1,
      f: 1,
      expected: ['s1', 'f2'],
    },
    {
      name: 'limit 0 deletes every finished job of that kind',
      jobs: [job('s1', 1, true), job('f2', 2, false)],
      s: 3,
      f: 0,
      expected: ['f2'],
    },
    {
      name: 'active jobs are never deleted, even beyond the limits',
      jobs: [
        job('a1', undefined, false, false),
        job('a2', undefined, false, false),
        job('s1', 1, true),
      ],
      s: 0,
      f: 0,
      expected: ['s1'],
    },
    {
      name: 'a finished job without completion time is the oldest',
      jobs: [job('f2', 2, false), job('fx', undefined, false)],
      s: 1,
      f: 1,
      expected: ['fx'],
    },
  ])('$name', ({ jobs, s, f, expected }) => {
    expect(jobsToDelete(jobs, s, f)).toEqual(expected);
  });

  it('refuses a negative limit', () => {
    expect(() => jobsToDelete([], -1, 1)).toThrow(RangeError);
  });
});
