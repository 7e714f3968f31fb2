import { readRestoreProgress, type RestoreProgress } from '../../../src/api/agent/index.js';
import { throttledProgress } from '../../../src/agent/restore/progress.js';

describe('throttledProgress', () => {
  it('logs a new phase at once and the same phase at most every interval, stamped with the time', () => {
    const lines: RestoreProgress[] = [];
    let now = Date.parse('2026-03-01T12:00:00Z');
    const report = throttledProgress(
      (p) => lines.push(p),
      () => new Date(now),
      2000,
    );
    report({ phase: 'Downloading', bytes: 1, totalBytes: 10 });
    now += 500;
    report({ phase: 'Downloading', bytes: 5, totalBytes: 10 });
    now += 100;
    report({ phase: 'Writing', keys: 1, totalKeys: 4 });
    now += 1999;
    report({ phase: 'Writing', keys: 2, totalKeys: 4 });
    now += 1;
    report({ phase: 'Writing', keys: 3, totalKeys: 4 });
    expect(lines.map((l) => [l.phase, l.bytes ?? l.keys, l.time])).toEqual([
      ['Downloading', 1, '2026-03-01T12:00:00.000Z'],
      ['Writing', 1, '2026-03-01T12:00:00.600Z'],
      ['Writing', 3, '2026-03-01T12:00:02.600Z'],
    ]);
  });
});

describe('readRestoreProgress', () => {
  const line = (progress: unknown, msg = 'restore progress') =>
    JSON.stringify({ level: 30, msg, progress });
  const ok = { phase: 'Writing', keys: 2, totalKeys: 4, time: '2026-03-01T12:00:00Z' };

  it('takes the newest well-formed progress line', () => {
    const tail = [
      line({ ...ok, keys: 1 }),
      line(ok),
      line({ phase: 'Bogus', time: ok.time }),
      'plain text',
    ].join('\n');
    expect(readRestoreProgress(tail)).toEqual(ok);
  });

  it('ignores lines cut by the tail, other messages and malformed progress', () => {
    expect(
      readRestoreProgress(`${line(ok).slice(10)}\n${line(ok, 'other')}\n${line({ keys: -1 })}`),
    ).toBeUndefined();
    expect(readRestoreProgress('')).toBeUndefined();
  });
});
