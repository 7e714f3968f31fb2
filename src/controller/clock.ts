/** An opaque timer handle; only the clock that made it can cancel it. */
export type TimerHandle = object;

/** Time as the controllers see it: injected so tests can drive it by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A sleep that can be cut short; `cancel` resolves it at once with false. */
export interface Sleep {
  readonly done: Promise<boolean>;
  cancel(): void;
}

export function sleep(clock: Clock, ms: number): Sleep {
  let settle: (elapsed: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => (settle = resolve));
  const handle = clock.setTimeout(() => settle(true), ms);
  return {
    done,
    cancel: () => {
      clock.clearTimeout(handle);
      settle(false);
    },
  };
}

/** Exponential backoff: base * 2^attempt, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  if (attempt <= 0) return baseMs;
  const exp = Math.min(attempt, 52);
  return Math.min(maxMs, baseMs * 2 ** exp);
}
