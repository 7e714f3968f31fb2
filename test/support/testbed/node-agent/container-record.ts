import type {
  V1Container,
  V1ContainerState,
  V1ContainerStateTerminated,
  V1ContainerStatus,
} from '@kubernetes/client-node';
import type { ProcessExit } from './container-process.js';

export interface TerminatedState {
  readonly kind: 'terminated';
  readonly exitCode: number;
  readonly signal?: number;
  readonly reason: string;
  readonly message?: string;
  readonly startedAt?: Date;
  readonly finishedAt: Date;
  readonly containerID?: string;
}

export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: Date; readonly containerID: string }
  | TerminatedState;

/** What the agent knows about one container of a pod; the pod worker owns and updates it. */
export interface ContainerRecord {
  readonly name: string;
  readonly image: string;
  state: ContainerState;
  lastState?: TerminatedState;
  restartCount: number;
}

/** How a process's exit is reported: Completed for 0, Error otherwise (the agent never reports OOMKilled). */
export function exitedState(
  exit: ProcessExit,
  message: string,
  run: { readonly startedAt: Date; readonly finishedAt: Date; readonly containerID: string },
): TerminatedState {
  return {
    kind: 'terminated',
    exitCode: exit.exitCode,
    signal: exit.signal,
    reason: exit.exitCode === 0 ? 'Completed' : 'Error',
    message: message || undefined,
    ...run,
  };
}

export function newRecord(name: string, image: string, reason: string): ContainerRecord {
  return { name, image, state: { kind: 'waiting', reason }, restartCount: 0 };
}

/** A container that exited with code 0 under restartPolicy Never or as an init container. */
export function succeeded(r: ContainerRecord): boolean {
  return r.state.kind === 'terminated' && r.state.exitCode === 0;
}

/** Exited at least once: terminated now, or waiting to restart after an exit. */
export function hasExited(r: ContainerRecord): boolean {
  return r.state.kind === 'terminated' || (r.state.kind === 'waiting' && r.lastState !== undefined);
}

/** The exit that decides the pod phase: the current one, else the one before a pending restart. */
export function lastExit(r: ContainerRecord): TerminatedState | undefined {
  return r.state.kind === 'terminated'
    ? r.state
    : r.state.kind === 'waiting'
      ? r.lastState
      : undefined;
}

export const UNKNOWN_STATUS_MESSAGE =
  'The container could not be located when the pod was terminated';

/** Started at least once: running, exited, or waiting to restart. */
export function hasStarted(r: ContainerRecord): boolean {
  return r.state.kind !== 'waiting' || r.lastState !== undefined;
}

/**
 * The state a container is reported in once its pod is terminal (the kubelet's
 * TerminatePod): a running container whose process the agent no longer has is
 * reported lost, one that started before or that the pod got far enough to start
 * is unknown (exit 137), and one that never had a chance stays waiting.
 */
export function finalState(
  r: ContainerRecord,
  now: Date,
  lostReason: string,
  reached: boolean,
): ContainerState {
  const s = r.state;
  if (s.kind === 'terminated') return s;
  if (s.kind === 'running') {
    return {
      kind: 'terminated',
      exitCode: 137,
      reason: lostReason,
      startedAt: s.startedAt,
      finishedAt: now,
      containerID: s.containerID,
    };
  }
  if (!reached && !r.lastState) return s;
  return {
    kind: 'terminated',
    exitCode: 137,
    reason: 'ContainerStatusUnknown',
    message: UNKNOWN_STATUS_MESSAGE,
    finishedAt: now,
  };
}

export function toApiState(s: ContainerState): V1ContainerState {
  switch (s.kind) {
    case 'waiting':
      return { waiting: { reason: s.reason, message: s.message } };
    case 'running':
      return { running: { startedAt: s.startedAt } };
    case 'terminated': {
      const { exitCode, signal, reason, message, startedAt, finishedAt, containerID } = s;
      return {
        terminated: { exitCode, signal, reason, message, startedAt, finishedAt, containerID },
      };
    }
  }
}

/** A record rebuilt from a reported status, for pods the agent finds but did not start. */
export function recordFromStatus(
  container: V1Container,
  status: V1ContainerStatus | undefined,
  fallbackReason: string,
): ContainerRecord {
  const id = status?.containerID ?? '';
  const lastState = status?.lastState?.terminated
    ? fromApiTerminated(status.lastState.terminated)
    : undefined;
  return {
    name: container.name,
    image: container.image ?? '',
    state: fromApiState(status?.state, id, fallbackReason),
    lastState,
    restartCount: status?.restartCount ?? 0,
  };
}

function fromApiState(
  s: V1ContainerState | undefined,
  containerID: string,
  fallbackReason: string,
): ContainerState {
  if (s?.running)
    return { kind: 'running', startedAt: toDate(s.running.startedAt) ?? new Date(0), containerID };
  if (s?.terminated) return fromApiTerminated(s.terminated);
  return {
    kind: 'waiting',
    reason: s?.waiting?.reason ?? fallbackReason,
    message: s?.waiting?.message,
  };
}

function fromApiTerminated(t: V1ContainerStateTerminated): TerminatedState {
  return {
    kind: 'terminated',
    exitCode: t.exitCode,
    signal: t.signal,
    reason: t.reason ?? '',
    message: t.message,
    startedAt: toDate(t.startedAt),
    finishedAt: toDate(t.finishedAt) ?? new Date(0),
    containerID: t.containerID,
  };
}

/** Watch events carry RFC 3339 strings where typed reads carry Dates. */
export function toDate(value: Date | string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

export function toContainerStatus(r: ContainerRecord, isInit: boolean): V1ContainerStatus {
  const running = r.state.kind === 'running';
  const containerID = r.state.kind === 'waiting' ? r.lastState?.containerID : r.state.containerID;
  return {
    name: r.name,
    image: r.image,
    imageID: `local://${r.image}`,
    containerID: containerID || undefined,
    ready: isInit ? succeeded(r) : running,
    started: running,
    restartCount: r.restartCount,
    state: toApiState(r.state),
    lastState: r.lastState ? toApiState(r.lastState) : {},
  };
}
