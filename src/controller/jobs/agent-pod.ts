import { AGENT_CONFIG_PATH, TERMINATION_MESSAGE_PATH } from '../../api/agent/index.js';
import type { JobTemplate } from '../../api/v1alpha1/job-template.js';
import { AGENT_VOLUMES, type Wiring } from './wiring.js';
import type { ContainerShape, EnvVarShape, Obj, PodSpecShape } from './kube-shapes.js';

export const AGENT_CONTAINER_NAME = 'agent';
/** The key of the agent config in its ConfigMap. */
export const AGENT_CONFIG_KEY = 'config.json';
/** uid/gid the agent runs as unless it must read or write host files. */
export const AGENT_NON_ROOT_ID = 65532;

/** The `etcd-snapshot agent` subcommand a Job runs. */
export type AgentTask = 'backup' | 'delete' | 'restore';

/** An agent Job's pod: a restore Job for a DataDir member is pinned to its node. */
export type AgentPodSpecShape = PodSpecShape & { nodeName?: string };

export interface AgentPodInput {
  readonly task: AgentTask;
  readonly template: JobTemplate;
  /** The operator's own image; template.image overrides it. */
  readonly image: string;
  readonly configMapName: string;
  readonly wiring: Wiring;
  /** Run as root, to read or write host files. */
  readonly hostFiles: boolean;
  /** Pins the pod to a node; template.nodeSelector and affinity are then left out. */
  readonly nodeName?: string;
}

/**
 * Host files (kubeadm's /etc/kubernetes/pki/etcd keys are root-only 0600;
 * a hostPath store or data directory is root-owned) can only be used as
 * root, so then the agent runs as uid 0; otherwise as a fixed non-root uid.
 * Either way without privilege escalation, capabilities or a writable root
 * filesystem. The template's security contexts override field by field.
 */
function securityContexts(template: JobTemplate, hostFiles: boolean) {
  const seccompProfile = { type: 'RuntimeDefault' };
  const pod: Obj = hostFiles
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
    pod: { ...pod, ...template.securityContext },
    container: { ...container, ...template.containerSecurityContext },
  };
}

function mergeEnv(ours: EnvVarShape[], theirs: JobTemplate['env']): EnvVarShape[] {
  const taken = new Set(ours.map((e) => e.name));
  // Ours first so user values may reference them as $(VAR); ours win on a name clash.
  return [
    ...ours,
    ...(theirs ?? []).filter((e) => !taken.has(e.name)).map((e) => ({ ...e }) as EnvVarShape),
  ];
}

function container(input: AgentPodInput, security: Obj): ContainerShape {
  const t = input.template;
  return {
    name: AGENT_CONTAINER_NAME,
    image: t.image ?? input.image,
    ...(t.imagePullPolicy ? { imagePullPolicy: t.imagePullPolicy } : {}),
    command: ['etcd-snapshot'],
    args: ['agent', input.task, '--config', AGENT_CONFIG_PATH],
    env: mergeEnv(input.wiring.env, t.env),
    volumeMounts: [
      // subPath: nested mounts inside a read-only ConfigMap mount fail on some runtimes.
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

/** The pod of every agent Job (backup, cleanup, restore): placement from the template, hardened. */
export function agentPodSpec(input: AgentPodInput): AgentPodSpecShape {
  const t = input.template;
  const pinned = Boolean(input.nodeName);
  const security = securityContexts(t, input.hostFiles);
  return {
    restartPolicy: 'Never',
    // The agent never calls the Kubernetes API; IRSA and pod identity inject their own token.
    automountServiceAccountToken: false,
    ...(input.nodeName ? { nodeName: input.nodeName } : {}),
    ...(t.serviceAccountName ? { serviceAccountName: t.serviceAccountName } : {}),
    ...(t.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
    ...(t.priorityClassName ? { priorityClassName: t.priorityClassName } : {}),
    ...(t.nodeSelector && !pinned ? { nodeSelector: { ...t.nodeSelector } } : {}),
    ...(t.tolerations ? { tolerations: t.tolerations.map((x) => ({ ...x })) } : {}),
    ...(t.affinity && !pinned ? { affinity: { ...t.affinity } } : {}),
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
