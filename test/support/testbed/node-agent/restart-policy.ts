/** Whether a container that exited is started again in place (the pod's restartPolicy, as the kubelet reads it). */
export function shouldRestart(
  restartPolicy: string | undefined,
  exitCode: number,
  isInit: boolean,
): boolean {
  switch (restartPolicy ?? 'Always') {
    case 'Never':
      return false;
    case 'OnFailure':
      return exitCode !== 0;
    default:
      // An init container that succeeded is done even under Always.
      return isInit ? exitCode !== 0 : true;
  }
}

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 10_000;

/**
 * The kubelet's CrashLoopBackOff (10 s doubling to 5 min) shrunk to 1 s doubling
 * to 10 s, so tests of retries finish quickly but still see a backoff.
 */
export function restartDelayMs(restartCount: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, restartCount), MAX_DELAY_MS);
}
