import type { Obj } from '../jobs/kube-shapes.js';

/**
 * The Kubernetes Pod Security Standards, "restricted" level (which includes
 * "baseline"), as a pure check of a core/v1 PodSpec: the same rules the
 * PodSecurity admission plugin applies (k8s.io/pod-security-admission,
 * policy version latest). The operator applies them itself because Pod
 * Security enforcement is off by default, and a Job created by the operator
 * must not grant what its author could not create directly.
 *
 * A violation names the PodSpec path, e.g. `volumes[certs].hostPath` or
 * `containers[agent].securityContext.privileged`.
 */
export interface PodSecurityViolation {
  readonly path: string;
  readonly problem: string;
}

/** Volume sources the restricted level allows; every other source (hostPath, nfs, ...) is refused. */
const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
]);
const SECCOMP_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

const record = (value: unknown): Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

interface Context {
  readonly pod: Obj;
  readonly podSecurity: Obj;
  readonly out: PodSecurityViolation[];
}

/** The deprecated AppArmor annotation, still honoured by the kubelet. */
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * Every restricted-level violation of a Pod (its spec and the annotations of
 * its template), host access first; empty when it passes.
 */
export function restrictedViolations(
  podSpec: object,
  annotations: Readonly<Record<string, string>> = {},
): PodSecurityViolation[] {
  const pod = podSpec as Obj;
  const ctx: Context = { pod, podSecurity: record(pod.securityContext), out: [] };
  const add = (path: string, problem: string) => ctx.out.push({ path, problem });
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value === 'unconfined')
      add(`metadata.annotations[${key}]`, 'runs without AppArmor');
  }
  const hostNamespaces = { hostNetwork: 'network', hostPID: 'PID', hostIPC: 'IPC' } as const;
  for (const [field, what] of Object.entries(hostNamespaces)) {
    if (pod[field] === true) add(field, `shares the node's ${what} namespace`);
  }
  for (const volume of list(pod.volumes)) {
    const v = record(volume);
    const source = Object.keys(v).find((k) => k !== 'name');
    if (source && !RESTRICTED_VOLUME_SOURCES.has(source))
      add(
        `volumes[${String(v.name)}].${source}`,
        source === 'hostPath' ? 'mounts a path of the node' : `uses volume type ${source}`,
      );
  }
  checkPodSecurityContext(ctx, add);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const container of list(pod[key])) checkContainer(ctx, key, record(container), add);
  }
  return ctx.out;
}

function checkPodSecurityContext(ctx: Context, add: (p: string, m: string) => void): void {
  const sc = ctx.podSecurity;
  const at = (field: string) => `securityContext.${field}`;
  if (record(sc.windowsOptions).hostProcess === true)
    add(at('windowsOptions.hostProcess'), 'runs as a Windows host process');
  if (sc.runAsUser === 0) add(at('runAsUser'), 'runs as root (uid 0)');
  if (sc.runAsNonRoot === false) add(at('runAsNonRoot'), 'allows running as root');
  seLinux(record(sc.seLinuxOptions), at('seLinuxOptions'), add);
  const seccomp = record(sc.seccompProfile).type;
  if (seccomp !== undefined && !SECCOMP_TYPES.has(String(seccomp)))
    add(at('seccompProfile.type'), `seccomp profile ${String(seccomp)}`);
  if (record(sc.appArmorProfile).type === 'Unconfined')
    add(at('appArmorProfile.type'), 'runs without AppArmor');
  for (const sysctl of list(sc.sysctls)) {
    const name = String(record(sysctl).name);
    if (!SAFE_SYSCTLS.has(name)) add(at(`sysctls[${name}]`), `sets the unsafe sysctl ${name}`);
  }
}

function seLinux(options: Obj, path: string, add: (p: string, m: string) => void): void {
  if (options.type !== undefined && !SELINUX_TYPES.has(String(options.type)))
    add(`${path}.type`, `SELinux type ${String(options.type)}`);
  if (options.user !== undefined) add(`${path}.user`, 'sets the SELinux user');
  if (options.role !== undefined) add(`${path}.role`, 'sets the SELinux role');
}

function checkContainer(
  ctx: Context,
  key: string,
  container: Obj,
  add: (p: string, m: string) => void,
): void {
  const base = `${key}[${String(container.name)}]`;
  const sc = record(container.securityContext);
  const at = (field: string) => `${base}.securityContext.${field}`;
  const pod = ctx.podSecurity;
  if (record(sc.windowsOptions).hostProcess === true)
    add(at('windowsOptions.hostProcess'), 'runs as a Windows host process');
  if (sc.privileged === true) add(at('privileged'), 'runs privileged');
  if (sc.allowPrivilegeEscalation !== false) add(at('allowPrivilegeEscalation'), 'must be false');
  const capabilities = record(sc.capabilities);
  const drops = list(capabilities.drop).map(String);
  if (!drops.includes('ALL')) add(at('capabilities.drop'), 'must drop ALL capabilities');
  for (const cap of list(capabilities.add).map(String)) {
    if (cap !== 'NET_BIND_SERVICE') add(at('capabilities.add'), `adds the capability ${cap}`);
  }
  if (sc.runAsUser === 0) add(at('runAsUser'), 'runs as root (uid 0)');
  const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
  if (sc.runAsNonRoot === false) add(at('runAsNonRoot'), 'allows running as root');
  else if (nonRoot !== true && pod.runAsNonRoot !== false)
    add(at('runAsNonRoot'), 'must be true (on the container or the Pod)');
  seLinux(record(sc.seLinuxOptions), at('seLinuxOptions'), add);
  const seccomp = record(sc.seccompProfile).type ?? record(pod.seccompProfile).type;
  if (!SECCOMP_TYPES.has(String(seccomp)))
    add(at('seccompProfile.type'), 'needs seccomp RuntimeDefault or Localhost');
  if (record(sc.appArmorProfile).type === 'Unconfined')
    add(at('appArmorProfile.type'), 'runs without AppArmor');
  if (sc.procMount !== undefined && sc.procMount !== 'Default')
    add(at('procMount'), `procMount ${String(sc.procMount)}`);
  for (const port of list(container.ports)) {
    const hostPort = record(port).hostPort;
    if (typeof hostPort === 'number' && hostPort !== 0)
      add(`${base}.ports`, `binds host port ${hostPort}`);
  }
}
