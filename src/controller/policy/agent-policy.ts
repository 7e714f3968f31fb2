import { REASONS } from '../../api/v1alpha1/constants.js';
import { endpointViolations, type ForbiddenEndpoint } from './endpoint-policy.js';
import type { Obj, StringMap } from '../jobs/kube-shapes.js';
import { restrictedViolations, type PodSecurityViolation } from './pod-security.js';

export type { ForbiddenEndpoint } from './endpoint-policy.js';

/**
 * What an EtcdBackup or EtcdRestore may make the operator create. The
 * operator creates Pods with its own ServiceAccount, so a spec must not get
 * through it what its author could not create directly (the confused
 * deputy). In a trusted namespace (one the cluster admin named; by default
 * the operator's own) a spec may ask for host access: hostNetwork, hostPath
 * volumes, root, a pinned node, another image or ServiceAccount; that is how
 * a kubeadm control plane is backed up. Everywhere else every Pod must pass
 * the restricted Pod Security level, run the operator's own image as the
 * namespace's default ServiceAccount without a token, and point only at
 * endpoints that are not the cluster's own (endpoint-policy.ts).
 */
export interface AgentPolicy {
  /** Namespaces whose specs may ask for host access; `*` trusts every namespace. */
  readonly trustedNamespaces: readonly string[];
  /** The operator's agent image: the only one an untrusted spec may run. */
  readonly image: string;
  readonly forbiddenEndpoints: readonly ForbiddenEndpoint[];
}

export const TRUST_ALL = '*';

export function isTrusted(policy: AgentPolicy, namespace: string): boolean {
  return policy.trustedNamespaces.some((ns) => ns === TRUST_ALL || ns === namespace);
}

/** Where the paths of a built Pod came from in the spec, for messages that name the field to fix. */
export interface PodOrigins {
  /** Our own volumes, by name, e.g. etcd-snapshot-store: spec.destination.volume.hostPath. */
  readonly volumes?: Readonly<Record<string, string>>;
  /** The spec field that makes the agent run as root (host files), when the template does not. */
  readonly root?: string;
  readonly nodeName?: string;
}

export interface PolicySubject {
  readonly namespace: string;
  /** Every Pod the spec would make the operator create. */
  readonly pods: ReadonlyArray<{
    readonly spec: object;
    readonly annotations?: StringMap;
    readonly origins?: PodOrigins;
  }>;
  /** Every endpoint the agent would connect to, by spec field. */
  readonly endpoints: ReadonlyArray<{ readonly field: string; readonly url: string }>;
}

export interface PolicyRefusal {
  readonly reason: typeof REASONS.forbidden | typeof REASONS.endpointForbidden;
  readonly message: string;
}

/**
 * What a Pod asks beyond the restricted level and the operator's own rules,
 * by PodSpec path; empty when an untrusted namespace may have it. The last
 * line of defence (controller/job-guard.ts) runs this on every Job it creates.
 */
export function podPolicyViolations(
  podSpec: object,
  annotations: StringMap | undefined,
  image: string,
): PodSecurityViolation[] {
  const out = restrictedViolations(podSpec, annotations);
  const pod = podSpec as Obj;
  if (pod.nodeName !== undefined) out.push({ path: 'nodeName', problem: 'pins the Pod to a node' });
  if (pod.serviceAccountName !== undefined)
    out.push({
      path: 'serviceAccountName',
      problem: 'runs as another ServiceAccount (and with its cloud identity)',
    });
  const containers = Array.isArray(pod.containers) ? (pod.containers as Obj[]) : [];
  for (const c of containers) {
    if (c.image !== image)
      out.push({
        path: `containers[${String(c.name)}].image`,
        problem: `runs the image ${String(c.image)} instead of the operator's`,
      });
  }
  return out;
}

const TEMPLATE = 'spec.jobTemplate';
const ROOT_PATHS = /^(containers\[[^\]]*\]\.)?securityContext\.(runAsUser|runAsNonRoot)$/;

/** The spec field a PodSpec path came from. */
function specField(path: string, origins: PodOrigins): string {
  const volume = /^volumes\[([^\]]*)\]/.exec(path);
  if (volume) return origins.volumes?.[volume[1]!] ?? `${TEMPLATE}.volumes[${volume[1]}]`;
  if (ROOT_PATHS.test(path) && origins.root) return origins.root;
  if (path === 'nodeName') return origins.nodeName ?? path;
  if (/^host(Network|PID|IPC)$/.test(path)) return `${TEMPLATE}.${path}`;
  if (path === 'serviceAccountName') return `${TEMPLATE}.serviceAccountName`;
  if (path.startsWith('metadata.')) return `${TEMPLATE}.${path}`;
  const container = /^containers\[[^\]]*\]\.(securityContext\.)?(.*)$/.exec(path);
  if (container)
    return container[1]
      ? `${TEMPLATE}.containerSecurityContext.${container[2]}`
      : `${TEMPLATE}.${container[2]}`;
  return `${TEMPLATE}.${path}`;
}

/** One problem per field, in order. */
function byField(violations: ReadonlyArray<{ field: string; problem: string }>): string[] {
  const seen = new Map<string, string>();
  for (const v of violations) if (!seen.has(v.field)) seen.set(v.field, v.problem);
  return [...seen].map(([field, problem]) => `${field} ${problem}`);
}

/**
 * Why the operator must not create what `subject` asks, or undefined: a
 * trusted namespace may ask for anything; elsewhere host access and the
 * cluster's own endpoints are refused, each field named with its problem.
 */
export function policyRefusal(
  policy: AgentPolicy,
  subject: PolicySubject,
): PolicyRefusal | undefined {
  const { namespace } = subject;
  if (isTrusted(policy, namespace)) return undefined;
  const podProblems = byField(
    subject.pods.flatMap(({ spec, annotations, origins = {} }) =>
      podPolicyViolations(spec, annotations, policy.image).map((v) => ({
        field: specField(v.path, origins),
        problem: v.problem,
      })),
    ),
  );
  if (podProblems.length > 0)
    return {
      reason: REASONS.forbidden,
      message: `namespace ${namespace} is not trusted for host access: ${podProblems.join('; ')}. Remove these fields (the agent's Pod must pass the restricted Pod Security level), or have a cluster admin add ${namespace} to the operator's trusted namespaces (--trusted-namespaces, Helm value trustedNamespaces); see docs/security.md`,
    };
  const endpointProblems = byField(
    endpointViolations(subject.endpoints, namespace, policy.forbiddenEndpoints),
  );
  if (endpointProblems.length > 0)
    return {
      reason: REASONS.endpointForbidden,
      message: `${endpointProblems.join('; ')}: a spec in namespace ${namespace} may not point the agent there. Name the etcd members' client URLs and the S3 endpoint instead; see docs/security.md`,
    };
  return undefined;
}
