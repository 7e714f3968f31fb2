import type {
  V1Container,
  V1ContainerStatus,
  V1Pod,
  V1PodCondition,
  V1PodStatus,
} from '@kubernetes/client-node';
import {
  finalState,
  hasExited,
  hasStarted,
  lastExit,
  recordFromStatus,
  succeeded,
  toContainerStatus,
  type ContainerRecord,
} from './container-record.js';
import type { PodPlacement } from './field-ref.js';

/** The worker's view of a pod, from which its whole status is derived. */
export interface PodRuntimeView {
  readonly init: readonly ContainerRecord[];
  readonly main: readonly ContainerRecord[];
  readonly startTime: Date;
  /** Nothing will start again: the pod was stopped, or every container is done. */
  readonly terminal: boolean;
  /** A pod-level failure (unrunnable image, deadline, agent restart): phase Failed. */
  readonly failure?: { readonly reason: string; readonly message: string };
}

/**
 * The kubelet's getPhase (without sidecar containers), plus its rule that a pod
 * stopped before it could finish (deleted, deadline, unrunnable) is Failed.
 */
export function podPhase(restartPolicy: string | undefined, view: PodRuntimeView): string {
  if (view.failure) return 'Failed';
  const phase = runtimePhase(restartPolicy, view);
  return view.terminal && (phase === 'Pending' || phase === 'Running') ? 'Failed' : phase;
}

function runtimePhase(restartPolicy: string | undefined, view: PodRuntimeView): string {
  let pendingInit = 0;
  let failedInit = 0;
  for (const r of view.init) {
    const exit = lastExit(r);
    if (r.state.kind === 'running' || !exit) pendingInit++;
    else if (exit.exitCode !== 0) failedInit++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  const running = view.main.filter((r) => r.state.kind === 'running').length;
  const stopped = view.main.filter(hasExited).length;
  const waiting = view.main.length - running - stopped;
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  const allSucceeded = view.main.every(succeeded);
  if (view.terminal) return allSucceeded ? 'Succeeded' : 'Failed';
  if ((restartPolicy ?? 'Always') === 'Always') return 'Running';
  if (allSucceeded) return 'Succeeded';
  return restartPolicy === 'OnFailure' ? 'Running' : 'Failed';
}

type OwnCondition = Omit<V1PodCondition, 'lastTransitionTime'>;
const list = (names: string[]): string => `[${names.join(' ')}]`;

function initializedCondition(view: PodRuntimeView, phase: string): OwnCondition {
  if (phase === 'Succeeded' || view.main.some(hasStarted)) {
    return {
      type: 'Initialized',
      status: 'True',
      reason: phase === 'Succeeded' ? 'PodCompleted' : undefined,
    };
  }
  const incomplete = view.init.filter((r) => !succeeded(r)).map((r) => r.name);
  if (incomplete.length === 0) return { type: 'Initialized', status: 'True' };
  return {
    type: 'Initialized',
    status: 'False',
    reason: 'ContainersNotInitialized',
    message: `containers with incomplete status: ${list(incomplete)}`,
  };
}

function readyCondition(type: string, view: PodRuntimeView, phase: string): OwnCondition {
  if (phase === 'Succeeded' || phase === 'Failed') {
    return { type, status: 'False', reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' };
  }
  const unready = view.main.filter((r) => r.state.kind !== 'running').map((r) => r.name);
  if (unready.length === 0) return { type, status: 'True' };
  return {
    type,
    status: 'False',
    reason: 'ContainersNotReady',
    message: `containers with unready status: ${list(unready)}`,
  };
}

/** lastTransitionTime moves only when a condition's status changes. */
export function mergeConditions(
  previous: readonly V1PodCondition[] | undefined,
  own: readonly OwnCondition[],
  now: Date,
): V1PodCondition[] {
  const prev = previous ?? [];
  const merged = own.map((c): V1PodCondition => {
    const old = prev.find((p) => p.type === c.type);
    const since = old && old.status === c.status ? old.lastTransitionTime : now;
    return { ...c, lastProbeTime: undefined, lastTransitionTime: since };
  });
  const foreign = prev.filter((p) => !own.some((c) => c.type === p.type));
  return [...foreign, ...merged];
}

/**
 * The pod's status as the kubelet would write it, derived entirely from the
 * worker's records; fields other writers own (qosClass, foreign conditions) are
 * carried over from `base`, the latest pod object.
 */
export function buildPodStatus(
  base: V1Pod,
  view: PodRuntimeView,
  at: PodPlacement,
  now: Date,
): V1PodStatus {
  const prev = base.status ?? {};
  const phase = podPhase(base.spec?.restartPolicy, view);
  const generation = base.metadata?.generation;
  const own: OwnCondition[] = [
    { type: 'PodReadyToStartContainers', status: 'True' },
    initializedCondition(view, phase),
    readyCondition('Ready', view, phase),
    readyCondition('ContainersReady', view, phase),
  ].map((c) => ({ ...c, observedGeneration: generation }));
  if (!prev.conditions?.some((c) => c.type === 'PodScheduled'))
    own.push({ type: 'PodScheduled', status: 'True' });
  return {
    ...prev,
    observedGeneration: generation,
    phase,
    reason: view.failure?.reason,
    message: view.failure?.message,
    conditions: mergeConditions(prev.conditions, own, now),
    hostIP: at.hostIP,
    hostIPs: [{ ip: at.hostIP }],
    podIP: at.podIP,
    podIPs: [{ ip: at.podIP }],
    startTime: prev.startTime ?? view.startTime,
    initContainerStatuses: view.init.length
      ? view.init.map((r) => toContainerStatus(r, true))
      : undefined,
    containerStatuses: view.main.map((r) => toContainerStatus(r, false)),
  };
}

/** The pod got past its init containers (the kubelet's hasPodInitialized). */
export function podInitialized(view: Pick<PodRuntimeView, 'init' | 'main'>): boolean {
  return view.main.some(hasStarted) || view.init.every(succeeded);
}

/** The view once the pod is terminal: containers as the kubelet's TerminatePod leaves them (see finalState). */
export function finalView(view: PodRuntimeView, now: Date, lostReason: string): PodRuntimeView {
  const reached = podInitialized(view);
  return {
    ...view,
    terminal: true,
    init: view.init.map((r) => ({ ...r, state: finalState(r, now, lostReason, false) })),
    main: view.main.map((r) => ({ ...r, state: finalState(r, now, lostReason, reached) })),
  };
}

export const AGENT_RESTARTED = {
  reason: 'NodeAgentRestarted',
  message: 'the test-bed node agent restarted while this pod was running; its processes are gone',
};

/** A pod found running with no process behind it (the agent restarted): reported Failed. */
export function orphanedPodStatus(pod: V1Pod, at: PodPlacement, now: Date): V1PodStatus {
  const status = pod.status ?? {};
  const rebuild = (
    containers: V1Container[] | undefined,
    statuses: V1ContainerStatus[] | undefined,
  ) =>
    (containers ?? []).map((c) =>
      recordFromStatus(
        c,
        statuses?.find((s) => s.name === c.name),
        'PodInitializing',
      ),
    );
  const view: PodRuntimeView = {
    init: rebuild(pod.spec?.initContainers, status.initContainerStatuses),
    main: rebuild(pod.spec?.containers, status.containerStatuses),
    startTime: now,
    terminal: true,
    failure: AGENT_RESTARTED,
  };
  return buildPodStatus(pod, finalView(view, now, AGENT_RESTARTED.reason), at, now);
}

/** Whether a pod's reported status shows that some container of it has started. */
export function hasStartedContainers(pod: V1Pod): boolean {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return (
    pod.status?.phase === 'Running' ||
    statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)
  );
}
