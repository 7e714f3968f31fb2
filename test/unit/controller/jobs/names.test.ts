import {
  cleanupJobName,
  jobNameFor,
  MAX_JOB_NAME_LENGTH,
  parseRunName,
  runNowJobName,
} from '../../../../src/controller/jobs/names.js';

const at = (iso: string) => new Date(iso);

const T = new Date('2026-03-02T13:00:00Z');

describe('run names', () => {
  it('run-now never collides with the scheduled Job of the same minute, and reads back', () => {
    expect(runNowJobName('nightly', T)).toBe('nightly-n29540940');
    expect(jobNameFor('nightly', T)).toBe('nightly-29540940');
    expect(parseRunName('nightly', 'nightly-n29540940')).toEqual({
      kind: 'run-now',
      scheduledTime: T,
    });
    expect(parseRunName('nightly', 'nightly-29540940')).toEqual({
      kind: 'scheduled',
      scheduledTime: T,
    });
    expect(parseRunName('nightly', 'nightly-delete')).toEqual({ kind: 'cleanup' });
    expect(parseRunName('night', 'nightly-29540940')).toEqual({ kind: 'unknown' });
  });

  it('fits the 63-character job-name label for the longest names', () => {
    const max = 'a'.repeat(52);
    expect(runNowJobName(max, T).length).toBeLessThanOrEqual(63);
    const long = 'b'.repeat(80);
    expect(runNowJobName(long, T).length).toBeLessThanOrEqual(63);
    expect(parseRunName(long, runNowJobName(long, T))).toEqual({
      kind: 'run-now',
      scheduledTime: T,
    });
    expect(cleanupJobName(long).length).toBeLessThanOrEqual(63);
  });
});

describe('jobNameFor', () => {
  const T = at('2026-03-01T12:00:00Z'); // 29539440 Unix minutes
  const LABEL = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  it.each([
    {
      name: 'short names as the CronJob controller',
      backup: 'nightly',
      expected: 'nightly-29539440',
    },
    {
      name: 'a name of exactly 54 characters still fits',
      backup: 'a'.repeat(54),
      expected: `${'a'.repeat(54)}-29539440`,
    },
    {
      name: 'a longer name is truncated and hashed',
      backup: 'a'.repeat(55),
      expected: /^a{45}-[0-9a-f]{8}-29539440$/,
    },
    {
      name: 'no dash left dangling at the cut',
      backup: `${'a'.repeat(44)}-${'b'.repeat(20)}`,
      expected: /^a{44}-[0-9a-f]{8}-29539440$/,
    },
  ])('$name', ({ backup, expected }) => {
    const name = jobNameFor(backup, T);
    if (typeof expected === 'string') expect(name).toBe(expected);
    else expect(name).toMatch(expected);
    expect(name.length).toBeLessThanOrEqual(MAX_JOB_NAME_LENGTH);
    expect(name).toMatch(LABEL);
  });

  it('is deterministic, minute-grained, and keeps long look-alike names apart', () => {
    const a = `${'etcd-main-cluster-backup-'.repeat(10)}a`;
    const b = `${'etcd-main-cluster-backup-'.repeat(10)}b`;
    expect(jobNameFor(a, T)).toBe(jobNameFor(a, at('2026-03-01T12:00:59.999Z')));
    expect(jobNameFor(a, T)).not.toBe(jobNameFor(b, T));
    expect(jobNameFor(a, T)).not.toBe(jobNameFor(a, at('2026-03-01T12:01:00Z')));
    for (const name of [a, b]) expect(jobNameFor(name, T).length).toBeLessThanOrEqual(63);
  });

  it('refuses an empty name and an invalid time', () => {
    expect(() => jobNameFor('', T)).toThrow(RangeError);
    expect(() => jobNameFor('x', new Date(NaN))).toThrow(RangeError);
  });
});
