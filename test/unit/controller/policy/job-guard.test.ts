import type { V1Job } from '@kubernetes/client-node';
import { agentPolicyFrom } from '../../../../src/controller/policy/policy-from.js';
import { guardJobs, PolicyViolationError } from '../../../../src/controller/policy/job-guard.js';
import type { JobPort } from '../../../../src/kube/ports.js';

const policy = agentPolicyFrom({ ownNamespace: 'trusted', image: 'img:1' });

function job(namespace: string, podSpec: Record<string, unknown>): V1Job {
  return {
    metadata: { name: 'j', namespace },
    spec: {
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'agent',
              image: 'img:1',
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
          ...podSpec,
        },
      },
    },
  };
}

function recordingPort(): { port: JobPort; created: V1Job[] } {
  const created: V1Job[] = [];
  const port = {
    create: (j: V1Job) => {
      created.push(j);
      return Promise.resolve(j);
    },
  } as unknown as JobPort;
  return { port, created };
}

describe('guardJobs: the last line of defence', () => {
  it('never sends a Job whose Pod an untrusted namespace may not have', async () => {
    const { port, created } = recordingPort();
    const guarded = guardJobs(port, policy);
    await expect(guarded.create(job('tenant', { hostNetwork: true }))).rejects.toThrow(
      PolicyViolationError,
    );
    await expect(guarded.create(job('tenant', { nodeName: 'cp-0' }))).rejects.toThrow(
      /nodeName pins the Pod to a node/,
    );
    expect(created).toEqual([]);
  });

  it('sends a restricted Pod anywhere, and anything in a trusted namespace', async () => {
    const { port, created } = recordingPort();
    const guarded = guardJobs(port, policy);
    await guarded.create(job('tenant', {}));
    await guarded.create(job('trusted', { hostNetwork: true }));
    expect(created.map((j) => j.metadata?.namespace)).toEqual(['tenant', 'trusted']);
  });
});
