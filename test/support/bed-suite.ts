import { startTestBed, type TestBed, type TestBedOptions } from './testbed/testbed.js';

declare const __testFailures: { count: number } | undefined;

/** True when a test or hook in this file has failed (see failure-env.js). */
export function suiteFailed(): boolean {
  return typeof __testFailures !== 'undefined' && __testFailures.count > 0;
}

/**
 * Starts the test bed for a Jest suite and stops it afterwards; when anything
 * failed, prints every component's log tail first.
 */
export function useTestBed(options: TestBedOptions = {}): () => TestBed {
  let bed: TestBed | undefined;
  beforeAll(async () => {
    bed = await startTestBed({
      ...options,
      progress: (line) => process.stderr.write(`[bed] ${line}\n`),
    });
  }, 15 * 60_000);
  afterAll(async () => {
    if (!bed) return;
    if (suiteFailed()) process.stderr.write(`test bed logs:\n${bed.logTails()}\n`);
    await bed.stop();
  }, 60_000);
  return () => {
    if (!bed) throw new Error('test bed not started');
    return bed;
  };
}
