import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { jobRelevance, podRelevance } from '../../../../src/controller/backup/child-changes.js';

const T0 = new Date('2026-11-21T16:27:00Z');
const T1 = new Date('2026-11-21T16:27:05Z');

function job(status: V1Job['status'] = {}, metadata: V1Job['metadata'] = {}): V1Job {
  return {
    metadata: {
      name: 'nightly-29000000',
      namespace: 'ns',
      resourceVersion: '1',
      labels: { 'etcdsnapshot.dev/backup': 'nightly' },
      ownerReferences: [
        {
          apiVersion: 'etcdsnapshot.dev/v1alpha1',
          kind: 'EtcdBackup',
          name: 'nightly',
          uid: 'u1',
          controller: true,
        },
      ],
      ...metadata,
    },
    status,
  };
}

function pod(status: V1Pod['status'] = {}): V1Pod {
  return {
    metadata: {
      name: 'nightly-29000000-abcde',
      namespace: 'ns',
      labels: {
        'etcdsnapshot.dev/backup': 'nightly',
        'batch.kubernetes.io/job-name': 'nightly-29000000',
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: 'nightly-29000000',
          uid: 'j1',
          controller: true,
        },
      ],
    },
    status,
  };
}

const complete = { type: 'Complete', status: 'True', lastTransitionTime: T1 };

describe('jobRelevance', () => {
  const cases: Array<{ name: string; before: V1Job; after: V1Job; changed: boolean }> = [
    {
      name: 'the job controller counting its Pods',
      before: job(),
      after: job({ active: 1, ready: 0, terminating: 0 }),
      changed: false,
    },
    {
      name: 'a new resourceVersion only',
      before: job(),
      after: job({}, { resourceVersion: '2' }),
      changed: false,
    },
    {
      name: 'the Job starting',
      before: job({ active: 1 }),
      after: job({ active: 1, startTime: T0 }),
      changed: true,
    },
    {
      name: 'the Job completing',
      before: job({ startTime: T0 }),
      after: job({ startTime: T0, completionTime: T1, conditions: [complete] }),
      changed: true,
    },
    {
      name: 'the Job being deleted',
      before: job(),
      after: job({}, { deletionTimestamp: T1 }),
      changed: true,
    },
    {
      name: 'a run-now token',
      before: job(),
      after: job({}, { annotations: { 'etcdsnapshot.dev/run-now': 'x' } }),
      changed: true,
    },
  ];
  it.each(cases)('$name: changed=$changed', ({ before, after, changed }) => {
    expect(jobRelevance(after) !== jobRelevance(before)).toBe(changed);
  });
});

describe('podRelevance', () => {
  const waiting = {
    name: 'agent',
    image: 'i',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { waiting: { reason: 'ContainerCreating' } },
  };
  const terminated = (message: string) => ({
    ...waiting,
    state: { terminated: { exitCode: 0, message, finishedAt: T1 } },
  });
  const cases: Array<{ name: string; before: V1Pod; after: V1Pod; changed: boolean }> = [
    {
      name: 'the Pod being scheduled',
      before: pod({ phase: 'Pending' }),
      after: pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] }),
      changed: false,
    },
    {
      name: 'a container starting',
      before: pod({ phase: 'Pending' }),
      after: pod({ phase: 'Running', containerStatuses: [waiting] }),
      changed: false,
    },
    {
      name: 'a container ending with a result',
      before: pod({ containerStatuses: [waiting] }),
      after: pod({ containerStatuses: [terminated('{"succeeded":true}')] }),
      changed: true,
    },
    {
      name: 'a restarted container: its result moves to lastState',
      before: pod({ containerStatuses: [terminated('a')] }),
      after: pod({
        containerStatuses: [
          { ...waiting, lastState: { terminated: { exitCode: 1, message: 'a', finishedAt: T1 } } },
        ],
      }),
      changed: false,
    },
    {
      name: 'a restarted container ending again',
      before: pod({ containerStatuses: [terminated('a')] }),
      after: pod({
        containerStatuses: [
          {
            ...terminated('b'),
            lastState: { terminated: { exitCode: 1, message: 'a', finishedAt: T0 } },
          },
        ],
      }),
      changed: true,
    },
  ];
  it.each(cases)('$name: changed=$changed', ({ before, after, changed }) => {
    expect(podRelevance(after) !== podRelevance(before)).toBe(changed);
  });

  it('is undefined (nothing to read) until a container has ended', () => {
    expect(podRelevance(pod())).toBeUndefined();
    expect(podRelevance(pod({ phase: 'Running', containerStatuses: [waiting] }))).toBeUndefined();
    expect(podRelevance(pod({ containerStatuses: [terminated('x')] }))).toEqual(expect.any(String));
  });
});
