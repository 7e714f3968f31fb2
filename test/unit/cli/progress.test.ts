import { PassThrough } from 'node:stream';
import { keysProgressLine, progressLine, ttyProgress } from '../../../src/cli/progress.js';

describe('progress lines', () => {
  it('a logical restore shows keys of all, MB/s of values and an ETA from the key rate', () => {
    // 1,000 of 4,000 keys and 20 MB in 2 s: 10 MB/s, 500 keys/s, 3,000 keys to go.
    expect(keysProgressLine(1000, 4000, 20e6, 2000)).toBe('1000 / 4000 keys  10.0 MB/s  ETA 6 s');
  });

  it('no ETA before the first key is written', () => {
    expect(keysProgressLine(0, 4000, 0, 0)).toBe('0 / 4000 keys  0.0 MB/s');
  });

  it('a byte stream shows done/total, MB/s and an ETA', () => {
    expect(progressLine(50e6, 50e6, 1000)).toBe('47.7 MiB / 95.4 MiB  50.0 MB/s  ETA 1 s');
  });
});

describe('ttyProgress', () => {
  const capture = (isTTY: boolean) => {
    const out = Object.assign(new PassThrough(), { isTTY });
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { out, chunks };
  };

  it('redraws one line at most every 250 ms on a terminal, and clears it at the end', () => {
    const { out, chunks } = capture(true);
    let now = 0;
    const p = ttyProgress(out, () => now);
    now = 300;
    p.show((ms) => `a ${ms}`);
    now = 400;
    p.show(() => 'skipped: too soon');
    now = 600;
    p.show((ms) => `b ${ms}`);
    p.done();
    expect(chunks).toEqual(['\r\x1b[Ka 300', '\r\x1b[Kb 600', '\r\x1b[K']);
  });

  it('writes nothing when the output is not a terminal', () => {
    const { out, chunks } = capture(false);
    const p = ttyProgress(out, () => 1000);
    p.show(() => 'x');
    p.done();
    expect(chunks).toEqual([]);
  });
});
