import { TRUST_ALL, type AgentPolicy, type ForbiddenEndpoint } from './agent-policy.js';

export interface AgentPolicyInputs {
  /** --trusted-namespaces: comma-separated; `*` trusts all; unset: the operator's own namespace. */
  readonly trustedNamespaces?: string;
  /** The operator's namespace ($POD_NAMESPACE). */
  readonly ownNamespace?: string;
  /** The image the agent Jobs run. */
  readonly image: string;
  /** The API server URL the operator itself talks to (from its kubeconfig). */
  readonly apiServer?: string;
  /** $KUBERNETES_SERVICE_HOST / _PORT, in a Pod. */
  readonly serviceHost?: string;
  readonly servicePort?: string;
  /** The operator's /healthz and /metrics port, and its Pod IP ($POD_IP). */
  readonly healthPort?: number;
  readonly podIp?: string;
}

function hostPort(url: string): { host: string; port?: number } | undefined {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return { host, port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)) };
  } catch {
    return undefined;
  }
}

/**
 * The operator's agent policy (agent-policy.ts) from its flags and
 * environment: which namespaces are trusted, and the endpoints of the
 * cluster itself that no untrusted spec may point the agent at.
 */
export function agentPolicyFrom(inputs: AgentPolicyInputs): AgentPolicy {
  const listed = (inputs.trustedNamespaces ?? '')
    .split(',')
    .map((ns) => ns.trim())
    .filter(Boolean);
  const trustedNamespaces =
    inputs.trustedNamespaces === undefined && inputs.ownNamespace ? [inputs.ownNamespace] : listed;
  const apiServer = 'the Kubernetes API server';
  const self = "the operator's own health and metrics port";
  const forbidden: ForbiddenEndpoint[] = [];
  const api = inputs.apiServer ? hostPort(inputs.apiServer) : undefined;
  if (api) forbidden.push({ ...api, what: apiServer });
  if (inputs.serviceHost)
    forbidden.push({
      host: inputs.serviceHost.toLowerCase(),
      ...(inputs.servicePort ? { port: Number(inputs.servicePort) } : {}),
      what: apiServer,
    });
  if (inputs.healthPort) {
    forbidden.push({ host: 'loopback', port: inputs.healthPort, what: self });
    if (inputs.podIp) forbidden.push({ host: inputs.podIp, port: inputs.healthPort, what: self });
  }
  return {
    trustedNamespaces: trustedNamespaces.includes(TRUST_ALL) ? [TRUST_ALL] : trustedNamespaces,
    image: inputs.image,
    forbiddenEndpoints: forbidden,
  };
}
