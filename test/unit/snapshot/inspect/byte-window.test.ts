import { ByteWindow } from '../../../../src/snapshot/inspect/byte-window.js';

function stream(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));
}

describe('ByteWindow', () => {
  it.each([1, 3, 16, 64, 1000])(
    'holds a stream fed in %i-byte chunks, addressed by offset',
    (chunk) => {
      const data = stream(1000);
      const w = new ByteWindow(64);
      for (let i = 0; i < data.length; i += chunk) w.append(data.subarray(i, i + chunk));
      expect(w.end).toBe(1000);
      for (const [from, to] of [
        [0, 10],
        [60, 70],
        [63, 129],
        [0, 1000],
        [999, 1000],
      ] as const) {
        expect(w.slice(from, to)).toEqual(data.subarray(from, to));
        expect(w.copyTo(Buffer.alloc(to - from), from)).toEqual(data.subarray(from, to));
        const views: Buffer[] = [];
        w.forEachView(from, to, (v) => views.push(Buffer.from(v)));
        expect(Buffer.concat(views)).toEqual(data.subarray(from, to));
      }
    },
  );

  it('copies chunks in, so a caller may reuse its chunk buffer', () => {
    const w = new ByteWindow(8);
    const chunk = Buffer.from('abcd');
    w.append(chunk);
    chunk.fill(0);
    expect(w.slice(0, 4).toString()).toBe('abcd');
  });

  it('drops whole blocks before an offset, recycles them, and refuses what it no longer holds', () => {
    const data = stream(300);
    const w = new ByteWindow(64);
    w.append(data.subarray(0, 200));
    w.dropBefore(130);
    expect(() => w.slice(0, 10)).toThrow(RangeError);
    expect(w.slice(128, 140)).toEqual(data.subarray(128, 140));
    w.append(data.subarray(200));
    expect(w.slice(128, 300)).toEqual(data.subarray(128, 300));
    expect(() => w.slice(290, 310)).toThrow(RangeError);
  });
});
