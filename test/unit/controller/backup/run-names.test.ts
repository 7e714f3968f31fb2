import { jobNameFor } from '../../../../src/domain/schedule.js';
import { parseAgentResult } from '../../../../src/controller/backup/agent-result.js';
import {
  cleanupJobName,
  parseRunName,
  runNowJobName,
} from '../../../../src/controller/backup/run-names.js';

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

describe('parseAgentResult', () => {
  it.each([
    ['empty', ''],
    ['not JSON', 'panic: runtime error'],
    ['truncated', '{"kind":"BackupAgentResult","succ'],
    ['wrong kind', '{"kind":"Other","succeeded":true,"reason":"Succeeded","message":""}'],
    [
      'reason not CamelCase',
      '{"kind":"BackupAgentResult","succeeded":false,"reason":"no way","message":""}',
    ],
    [
      'bad snapshot',
      '{"kind":"BackupAgentResult","succeeded":true,"reason":"Succeeded","message":"","snapshot":{"key":1}}',
    ],
  ])('%s is undefined', (_name, message) => {
    expect(parseAgentResult(message)).toBeUndefined();
  });
});
