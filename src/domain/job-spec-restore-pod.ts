import { AGENT_CONFIG_PATH, TERMINATION_MESSAGE_PATH } from '../agent/contract.js';
import type { JobTemplate } from '../api/v1alpha1/job-template.js';
import { AGENT_CONFIG_KEY, AGENT_CONTAINER_NAME, AGENT_NON_ROOT_ID } from './job-spec-pod.js';
import { AGENT_VOLUMES, type Wiring } from './job-spec-wiring.js';
import type { ContainerShape, EnvVarShape, Obj, PodSpecShape } from './kube-shapes.js';

/** A restore Job's pod: a DataDir member's Job is pinned to its node. */
export type RestorePodSpecShape = PodSpecShape & { nodeName?: string };

export interface RestorePodInput {
  readonly template: JobTemplate;
  readonly image: string;
  readonly configMapName: string;
  readonly wiring: Wiring;
  /** Root, to write a host data directory or read host TLS files. */
  readonly hostFiles: boolean;
  readonly nodeName?: string;
}

function securityContexts(input: RestorePodInput) {
  const t = input.template;
  const seccompProfile = { type: 'RuntimeDefault' };
  const pod: Obj = input.hostFiles
    ? { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile }
    : {
        runAsNonRoot: true,
        runAsUser: AGENT_NON_ROOT_ID,
        runAsGroup: AGENT_NON_ROOT_ID,
        fsGroup: AGENT_NON_ROOT_ID,
        seccompProfile,
      };
  const container: Obj = {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  return {
    pod: { ...pod, ...t.securityContext },
    container: { ...container, ...t.containerSecurityContext },
  };
}

function mergeEnv(ours: EnvVarShape[], theirs: JobTemplate['env']): EnvVarShape[] {
  const taken = new Set(ours.map((e) => e.name));
  return [
    ...ours,
    ...(theirs ?? []).filter((e) => !taken.has(e.name)).map((e) => ({ ...e }) as EnvVarShape),
  ];
}

function container(input: RestorePodInput, security: Obj): ContainerShape {
  const t = input.template;
  return {
    name: AGENT_CONTAINER_NAME,
    image: t.image ?? input.image,
    ...(t.imagePullPolicy ? { imagePullPolicy: t.imagePullPolicy } : {}),
    command: ['etcd-snapshot'],
    args: ['agent', 'restore', '--config', AGENT_CONFIG_PATH],
    env: mergeEnv(input.wiring.env, t.env),
    volumeMounts: [
      {
        name: AGENT_VOLUMES.config,
        mountPath: AGENT_CONFIG_PATH,
        subPath: AGENT_CONFIG_KEY,
        readOnly: true,
      },
      { name: AGENT_VOLUMES.tmp, mountPath: '/tmp' },
      ...input.wiring.mounts,
      ...(t.volumeMounts ?? []).map((m) => ({ ...m })),
    ],
    ...(t.resources ? { resources: { ...t.resources } } : {}),
    securityContext: security,
    terminationMessagePath: TERMINATION_MESSAGE_PATH,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/** The pod of a restore Job, with the same placement knobs and hardening as a backup run. */
export function restorePodSpec(input: RestorePodInput): RestorePodSpecShape {
  const t = input.template;
  const security = securityContexts(input);
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    ...(input.nodeName ? { nodeName: input.nodeName } : {}),
    ...(t.serviceAccountName ? { serviceAccountName: t.serviceAccountName } : {}),
    ...(t.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    ...(t.priorityClassName ? { priorityClassName: t.priorityClassName } : {}),
    ...(t.nodeSelector && !input.nodeName ? { nodeSelector: { ...t.nodeSelector } } : {}),
    ...(t.tolerations ? { tolerations: t.tolerations.map((x) => ({ ...x })) } : {}),
    ...(t.affinity && !input.nodeName ? { affinity: { ...t.affinity } } : {}),
    securityContext: security.pod,
    ...(t.imagePullSecrets ? { imagePullSecrets: t.imagePullSecrets.map((s) => ({ ...s })) } : {}),
    containers: [container(input, security.container)],
    volumes: [
      {
        name: AGENT_VOLUMES.config,
        configMap: {
          name: input.configMapName,
          items: [{ key: AGENT_CONFIG_KEY, path: AGENT_CONFIG_KEY }],
        },
      },
      { name: AGENT_VOLUMES.tmp, emptyDir: {} },
      ...input.wiring.volumes,
      ...(t.volumes ?? []).map((v) => ({ ...v })),
    ],
  };
}
