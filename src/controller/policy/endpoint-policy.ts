/**
 * Where an untrusted namespace's spec may not point the agent: the
 * Kubernetes API server, the operator's own ports, the cloud metadata
 * service, and Services of other namespaces. The agent would connect there
 * with the operator's placement and report what it saw, which turns a
 * backup into a probe of the cluster's internals (server-side request
 * forgery). Hosts are checked as written; a name that resolves to one of
 * them is out of reach of a pure check, which is why docs/security.md also
 * recommends an egress NetworkPolicy for tenant namespaces.
 */

/** A host (and port, when only one port of it is off limits) that no untrusted spec may name. */
export interface ForbiddenEndpoint {
  /** A host name or IP; `loopback` matches 127.0.0.0/8, ::1 and localhost. */
  readonly host: string;
  readonly port?: number;
  /** What it is, for the message: "the Kubernetes API server". */
  readonly what: string;
}

export interface EndpointViolation {
  readonly field: string;
  readonly problem: string;
}

const API_SERVER_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data']);

function parse(url: string): { host: string; port?: number } | undefined {
  try {
    const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
    const host = parsed.hostname
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
    return { host, port: parsed.port ? Number(parsed.port) : defaultPort };
  } catch {
    return undefined;
  }
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const isLinkLocal = (host: string) =>
  /^169\.254\.\d+\.\d+$/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host) || host === 'fd00:ec2::254';

function matches(rule: ForbiddenEndpoint, host: string, port: number | undefined): boolean {
  const sameHost = rule.host === 'loopback' ? isLoopback(host) : rule.host.toLowerCase() === host;
  return sameHost && (rule.port === undefined || rule.port === port);
}

/** What `url` reaches that a spec of `namespace` may not, or undefined. */
function forbiddenTarget(
  url: string,
  namespace: string,
  forbidden: readonly ForbiddenEndpoint[],
): string | undefined {
  const target = parse(url);
  if (!target) return undefined;
  const { host, port } = target;
  if (API_SERVER_NAMES.includes(host) || host.startsWith('kubernetes.default.svc.'))
    return 'the Kubernetes API server';
  if (isLinkLocal(host) || METADATA_NAMES.has(host)) return 'the cloud metadata service';
  const rule = forbidden.find((r) => matches(r, host, port));
  if (rule) return rule.what;
  const service = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(host);
  if (service && service[1] !== namespace) return `a Service of namespace ${service[1]}`;
  return undefined;
}

/** The endpoints, by spec field, that a spec of an untrusted `namespace` may not use. */
export function endpointViolations(
  endpoints: ReadonlyArray<{ readonly field: string; readonly url: string }>,
  namespace: string,
  forbidden: readonly ForbiddenEndpoint[],
): EndpointViolation[] {
  return endpoints.flatMap(({ field, url }) => {
    const what = forbiddenTarget(url, namespace, forbidden);
    return what ? [{ field, problem: `points at ${what}` }] : [];
  });
}
