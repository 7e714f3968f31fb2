import type { V1Job } from '@kubernetes/client-node';
import { isTrusted, podPolicyViolations, type AgentPolicy } from './agent-policy.js';
import type { JobPort } from '../../kube/ports.js';
import { ProjectError } from '../../api/errors.js';

/** A Job the agent policy refuses reached the API client: a plan missed it (a bug). */
export class PolicyViolationError extends ProjectError {
  override readonly name = 'PolicyViolationError';
  readonly code = 'PolicyViolation';
  readonly category = 'internal';
}

/**
 * The one door through which the controllers create Pods, with the agent
 * policy on it: a Job whose Pod an untrusted namespace may not have is never
 * sent, whichever code path built it. The plans check the same policy first
 * and report it as a condition; this is the last line of defence, so a
 * refusal here is a programmer error (thrown, logged, retried with backoff).
 */
export function guardJobs(jobs: JobPort, policy: AgentPolicy): JobPort {
  return {
    get: (namespace, name) => jobs.get(namespace, name),
    list: (...args) => jobs.list(...args),
    delete: (...args) => jobs.delete(...args),
    create: async (job: V1Job) => {
      const namespace = job.metadata?.namespace ?? '';
      const template = job.spec?.template;
      if (!isTrusted(policy, namespace)) {
        const violations = podPolicyViolations(
          template?.spec ?? {},
          template?.metadata?.annotations,
          policy.image,
        );
        if (violations.length > 0)
          throw new PolicyViolationError(
            `refusing to create Job ${namespace}/${job.metadata?.name ?? ''}: ${violations
              .map((v) => `${v.path} ${v.problem}`)
              .join('; ')}`,
          );
      }
      return jobs.create(job);
    },
  };
}
