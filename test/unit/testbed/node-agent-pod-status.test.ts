import type { V1Pod } from '@kubernetes/client-node';
import type {
  ContainerRecord,
  ContainerState,
  TerminatedState,
} from '../../support/testbed/node-agent/container-record.js';
import {
  buildPodStatus,
  finalView,
  hasStartedContainers,
  mergeConditions,
  orphanedPodStatus,
  podPhase,
  type PodRuntimeView,
} from '../../support/testbed/node-agent/pod-status.js';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-01-01T00:01:00Z');
const at = { nodeName: 'bed-node', podIP: '127.0.0.1', hostIP: '127.0.0.1' };

const waiting = (reason = 'ContainerCreating'): ContainerState => ({ kind: 'waiting', reason });
const running: ContainerState = { kind: 'running', startedAt: T0, containerID: 'local://1' };
const exited = (exitCode: number): TerminatedState => ({
  kind: 'terminated',
  exitCode,
  reason: exitCode === 0 ? 'Completed' : 'Error',
  startedAt: T0,
  finishedAt: T1,
  containerID: 'local://1',
});
const rec = (
  name: string,
  state: ContainerState,
  lastState?: TerminatedState,
): ContainerRecord => ({
  name,
  image: 'op',
  state,
  lastState,
  restartCount: lastState ? 1 : 0,
});
const view = (
  init: ContainerRecord[],
  main: ContainerRecord[],
  extra: Partial<PodRuntimeView> = {},
): PodRuntimeView => ({
  init,
  main,
  startTime: T0,
  terminal: false,
  ...extra,
});
const backoff = (code: number): ContainerRecord =>
  rec('m', waiting('CrashLoopBackOff'), exited(code));

describe('podPhase', () => {
  it.each([
    ['nothing started', 'Never', view([], [rec('m', waiting())]), 'Pending'],
    ['init running', 'Never', view([rec('i', running)], [rec('m', waiting())]), 'Pending'],
    ['init failed, Never', 'Never', view([rec('i', exited(1))], [rec('m', waiting())]), 'Failed'],
    [
      'init failed, OnFailure (restarting)',
      'OnFailure',
      view([rec('i', waiting('CrashLoopBackOff'), exited(1))], [rec('m', waiting())]),
      'Pending',
    ],
    [
      'init done, main waiting',
      'Never',
      view([rec('i', exited(0))], [rec('m', waiting())]),
      'Pending',
    ],
    ['running', 'Never', view([], [rec('m', running)]), 'Running'],
    [
      'one running one done',
      'Never',
      view([], [rec('a', running), rec('b', exited(1))]),
      'Running',
    ],
    [
      'all succeeded, Never',
      'Never',
      view([], [rec('a', exited(0)), rec('b', exited(0))]),
      'Succeeded',
    ],
    ['one failed, Never', 'Never', view([], [rec('a', exited(0)), rec('b', exited(2))]), 'Failed'],
    ['all succeeded, OnFailure', 'OnFailure', view([], [rec('a', exited(0))]), 'Succeeded'],
    ['failed, OnFailure, restarting', 'OnFailure', view([], [backoff(1)]), 'Running'],
    ['succeeded, Always', 'Always', view([], [rec('a', exited(0))]), 'Running'],
    [
      'terminal, all succeeded',
      'Always',
      view([], [rec('a', exited(0))], { terminal: true }),
      'Succeeded',
    ],
    [
      'terminal, killed',
      'OnFailure',
      view([], [rec('a', exited(143))], { terminal: true }),
      'Failed',
    ],
    [
      'terminal before start',
      'Never',
      view([], [rec('a', waiting())], { terminal: true }),
      'Failed',
    ],
    [
      'pod-level failure',
      'Never',
      view([], [rec('a', exited(0))], { failure: { reason: 'X', message: 'x' } }),
      'Failed',
    ],
    ['default policy is Always', undefined, view([], [rec('a', exited(1))]), 'Running'],
  ] as Array<[string, string | undefined, PodRuntimeView, string]>)(
    '%s -> %s',
    (_name, policy, v, phase) => {
      expect(podPhase(policy, v)).toBe(phase);
    },
  );
});

describe('mergeConditions', () => {
  const prev = [
    { type: 'Ready', status: 'False', lastTransitionTime: T0 },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: T0 },
    { type: 'DisruptionTarget', status: 'True', lastTransitionTime: T0 },
  ];
  it('keeps lastTransitionTime while the status holds, moves it on change, keeps foreign conditions', () => {
    const merged = mergeConditions(
      prev,
      [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      T1,
    );
    expect(merged).toEqual([
      { type: 'DisruptionTarget', status: 'True', lastTransitionTime: T0 },
      { type: 'Ready', status: 'True', lastTransitionTime: T1, lastProbeTime: undefined },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: T0, lastProbeTime: undefined },
    ]);
  });
});

const basePod = (status: V1Pod['status'] = {}): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u', generation: 1 },
  spec: {
    restartPolicy: 'Never',
    initContainers: [{ name: 'i', image: 'op' }],
    containers: [{ name: 'm', image: 'op' }],
  },
  status: { qosClass: 'BestEffort', ...status },
});
const cond = (s: ReturnType<typeof buildPodStatus>, type: string) =>
  s.conditions?.find((c) => c.type === type);

describe('buildPodStatus', () => {
  it('reports a running pod: ready, started, IPs, conditions, and keeps qosClass', () => {
    const s = buildPodStatus(basePod(), view([rec('i', exited(0))], [rec('m', running)]), at, T1);
    expect(s).toMatchObject({
      phase: 'Running',
      qosClass: 'BestEffort',
      podIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      startTime: T0,
      observedGeneration: 1,
    });
    expect(s.containerStatuses).toEqual([
      {
        name: 'm',
        image: 'op',
        imageID: 'local://op',
        containerID: 'local://1',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: T0 } },
        lastState: {},
      },
    ]);
    expect(s.initContainerStatuses?.[0]).toMatchObject({
      ready: true,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(
      ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'PodReadyToStartContainers'].map(
        (t) => cond(s, t)?.status,
      ),
    ).toEqual(['True', 'True', 'True', 'True', 'True']);
  });

  it('reports init progress with the kubelet messages', () => {
    const s = buildPodStatus(
      basePod(),
      view([rec('i', running)], [rec('m', waiting('PodInitializing'))]),
      at,
      T1,
    );
    expect(s.phase).toBe('Pending');
    expect(cond(s, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [i]',
    });
    expect(cond(s, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [m]',
    });
  });

  it('reports completion as PodCompleted, failure as PodFailed', () => {
    const done = buildPodStatus(
      basePod(),
      view([rec('i', exited(0))], [rec('m', exited(0))], { terminal: true }),
      at,
      T1,
    );
    expect(done.phase).toBe('Succeeded');
    expect(cond(done, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(cond(done, 'Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
    const failed = buildPodStatus(
      basePod(),
      view([rec('i', exited(0))], [rec('m', exited(3))], { terminal: true }),
      at,
      T1,
    );
    expect(failed.phase).toBe('Failed');
    expect(cond(failed, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(failed.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
      finishedAt: T1,
    });
  });

  it('shows a restart: waiting in backoff with lastState and restartCount', () => {
    const s = buildPodStatus(basePod(), view([rec('i', exited(0))], [backoff(1)]), at, T1);
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1 } },
    });
  });

  it('keeps the first startTime and the pod-level failure reason', () => {
    const s = buildPodStatus(
      basePod({ startTime: T1 }),
      view([], [], { failure: { reason: 'ErrImageNotRunnable', message: 'no' } }),
      at,
      T1,
    );
    expect(s).toMatchObject({
      startTime: T1,
      phase: 'Failed',
      reason: 'ErrImageNotRunnable',
      message: 'no',
    });
  });
});

describe('finalView (the kubelet TerminatePod rules)', () => {
  it('marks containers that had their chance unknown, leaves never-reached ones waiting', () => {
    const v = finalView(
      view([rec('i', running)], [rec('m', waiting('PodInitializing'))]),
      T1,
      'Error',
    );
    expect(v.terminal).toBe(true);
    expect(v.init[0]?.state).toMatchObject({
      kind: 'terminated',
      exitCode: 137,
      reason: 'Error',
      startedAt: T0,
    });
    expect(v.main[0]?.state).toMatchObject({ kind: 'waiting' });
    expect(podPhase('Never', v)).toBe('Failed');
  });

  it('reports an initialized pod whose container never ran as ContainerStatusUnknown', () => {
    const v = finalView(view([], [rec('m', waiting())]), T1, 'Error');
    expect(v.main[0]?.state).toMatchObject({
      kind: 'terminated',
      exitCode: 137,
      reason: 'ContainerStatusUnknown',
    });
  });

  it('keeps real exits and the lastState of a container in backoff', () => {
    const v = finalView(view([], [rec('a', exited(0)), backoff(2)]), T1, 'Error');
    expect(v.main[0]?.state).toEqual(exited(0));
    expect(v.main[1]?.state).toMatchObject({
      kind: 'terminated',
      reason: 'ContainerStatusUnknown',
    });
    expect(v.main[1]?.lastState).toEqual(exited(2));
  });
});

describe('orphanedPodStatus', () => {
  it('fails a pod found running without its process, from watch JSON (string dates)', () => {
    const pod = basePod({
      phase: 'Running',
      startTime: '2025-01-01T00:00:00Z' as unknown as Date,
      initContainerStatuses: [
        {
          name: 'i',
          image: 'op',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
      containerStatuses: [
        {
          name: 'm',
          image: 'op',
          imageID: '',
          ready: true,
          restartCount: 0,
          containerID: 'local://9',
          state: { running: { startedAt: '2025-01-01T00:00:00Z' as unknown as Date } },
        },
      ],
    });
    expect(hasStartedContainers(pod)).toBe(true);
    const s = orphanedPodStatus(pod, at, T1);
    expect(s).toMatchObject({ phase: 'Failed', reason: 'NodeAgentRestarted' });
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'NodeAgentRestarted',
      startedAt: T0,
      finishedAt: T1,
      containerID: 'local://9',
    });
    expect(s.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0 });
  });

  it('does not count a pending pod as started', () => {
    expect(
      hasStartedContainers(
        basePod({
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'm',
              image: 'op',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        }),
      ),
    ).toBe(false);
  });
});
