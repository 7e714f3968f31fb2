import { EXIT_CODES } from '../../api/errors.js';
import { API_VERSION } from '../../api/v1alpha1/constants.js';
import { parseDuration } from '../../domain/duration.js';
import {
  AGENT_CONFIG_KEY,
  AGENT_CONTAINER_NAME,
  agentPodSpec,
  type AgentPodInput,
  type AgentPodSpecShape,
} from './agent-pod.js';
import { JobSpecError } from './wiring.js';
import type { ConfigMapShape, JobShape, OwnerReference, StringMap } from './kube-shapes.js';

/**
 * What every agent Job shares, whichever resource owns it: the Job and the
 * ConfigMap holding the agent's config, both owned by that resource, and a
 * pod failure policy that fails the Job at once where a retry cannot help.
 */

export type AgentJobShape = JobShape & { spec: { template: { spec: AgentPodSpecShape } } };

/** A Job, the ConfigMap it reads its agent config from, and that config, typed. */
export interface AgentJobSpec<Config> {
  readonly job: AgentJobShape;
  readonly configMap: ConfigMapShape;
  readonly config: Config;
}

/** The owner's name, namespace and uid, which a resource read from the API always has. */
export function ownerIdentity(
  kind: string,
  metadata: { name?: string; namespace?: string; uid?: string } | undefined,
): { name: string; namespace: string; uid: string } {
  const { name, namespace, uid } = metadata ?? {};
  if (!name || !namespace || !uid)
    throw new JobSpecError(
      `the ${kind} needs metadata.name, namespace and uid (read it from the API)`,
    );
  return { name, namespace, uid };
}

export interface AgentJobInput {
  /** The owning EtcdBackup or EtcdRestore. */
  readonly owner: { kind: string; name: string; namespace: string; uid: string };
  readonly jobName: string;
  readonly configMapName: string;
  readonly labels: StringMap;
  readonly annotations: StringMap;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  /** Exit codes besides usage (a bad config) that fail the Job without a retry. */
  readonly failJobExitCodes?: readonly number[];
  readonly pod: Omit<AgentPodInput, 'configMapName'>;
  /** The agent config, written to the ConfigMap as JSON. */
  readonly config: unknown;
}

/** A timeout field (`spec.snapshotTimeout`, ...) as whole seconds for activeDeadlineSeconds. */
export function timeoutSeconds(field: string, text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new JobSpecError(`${field}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new JobSpecError(`${field} must be longer than 0, e.g. 1h`);
  return Math.ceil(ms / 1000);
}

export function agentJobSpec(input: AgentJobInput): {
  job: AgentJobShape;
  configMap: ConfigMapShape;
} {
  const { owner, labels, annotations } = input;
  const reference: OwnerReference = {
    apiVersion: API_VERSION,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const meta = (name: string) => ({
    name,
    namespace: owner.namespace,
    ownerReferences: [{ ...reference }],
  });
  const job: AgentJobShape = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...meta(input.jobName), labels: { ...labels }, annotations: { ...annotations } },
    spec: {
      backoffLimit: input.backoffLimit,
      activeDeadlineSeconds: input.activeDeadlineSeconds,
      podFailurePolicy: {
        rules: [
          {
            action: 'FailJob',
            onExitCodes: {
              containerName: AGENT_CONTAINER_NAME,
              operator: 'In',
              values: [EXIT_CODES.usage, ...(input.failJobExitCodes ?? [])],
            },
          },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: agentPodSpec({ ...input.pod, configMapName: input.configMapName }),
      },
    },
  };
  const configMap: ConfigMapShape = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...meta(input.configMapName), labels: { ...labels } },
    data: { [AGENT_CONFIG_KEY]: `${JSON.stringify(input.config, null, 2)}\n` },
  };
  return { job, configMap };
}
