import type { Clock, TimerHandle } from '../../../src/controller/clock.js';

interface Timer extends TimerHandle {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets pending promise callbacks (and the I/O-free work they start) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A hand-driven Clock: timers fire only inside `advance`, in time order. */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<Timer>();

  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as Timer);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers one by one and settling promises between. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (;;) {
      const next = [...this.timers]
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next);
      this.current = next.at;
      next.fn();
      await flush();
    }
    this.current = target;
    await flush();
  }
}
