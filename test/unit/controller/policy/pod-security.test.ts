import { restrictedViolations } from '../../../../src/controller/policy/pod-security.js';

/** A Pod that passes the restricted level, as the agent's default Pod does. */
function restrictedPod(): Record<string, unknown> {
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'agent',
        image: 'img',
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
        },
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: 'c' } },
      { name: 'tmp', emptyDir: {} },
      { name: 'creds', secret: { secretName: 's' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'p' } },
      { name: 'token', projected: { sources: [] } },
    ],
  };
}

type Pod = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cases: Array<[string, (pod: Pod) => void, string]> = [
  ['host network', (p) => (p.hostNetwork = true), 'hostNetwork'],
  ['host PID', (p) => (p.hostPID = true), 'hostPID'],
  ['host IPC', (p) => (p.hostIPC = true), 'hostIPC'],
  [
    'hostPath volume',
    (p) => p.volumes.push({ name: 'pki', hostPath: { path: '/etc/kubernetes/pki/etcd' } }),
    'volumes[pki].hostPath',
  ],
  ['nfs volume', (p) => p.volumes.push({ name: 'n', nfs: { server: 'x' } }), 'volumes[n].nfs'],
  ['pod runs as uid 0', (p) => (p.securityContext.runAsUser = 0), 'securityContext.runAsUser'],
  [
    'pod allows root',
    (p) => (p.securityContext.runAsNonRoot = false),
    'securityContext.runAsNonRoot',
  ],
  [
    'privileged container',
    (p) => (p.containers[0].securityContext.privileged = true),
    'containers[agent].securityContext.privileged',
  ],
  [
    'added capability',
    (p) => (p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']),
    'containers[agent].securityContext.capabilities.add',
  ],
  [
    'capabilities not dropped',
    (p) => (p.containers[0].securityContext.capabilities = {}),
    'containers[agent].securityContext.capabilities.drop',
  ],
  [
    'privilege escalation',
    (p) => delete p.containers[0].securityContext.allowPrivilegeEscalation,
    'containers[agent].securityContext.allowPrivilegeEscalation',
  ],
  [
    'container runs as uid 0',
    (p) => (p.containers[0].securityContext.runAsUser = 0),
    'containers[agent].securityContext.runAsUser',
  ],
  [
    'container allows root',
    (p) => (p.containers[0].securityContext.runAsNonRoot = false),
    'containers[agent].securityContext.runAsNonRoot',
  ],
  [
    'runAsNonRoot unset everywhere',
    (p) => delete p.securityContext.runAsNonRoot,
    'containers[agent].securityContext.runAsNonRoot',
  ],
  [
    'seccomp Unconfined',
    (p) => (p.securityContext.seccompProfile = { type: 'Unconfined' }),
    'securityContext.seccompProfile.type',
  ],
  [
    'no seccomp profile',
    (p) => delete p.securityContext.seccompProfile,
    'containers[agent].securityContext.seccompProfile.type',
  ],
  [
    'AppArmor Unconfined',
    (p) => (p.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }),
    'containers[agent].securityContext.appArmorProfile.type',
  ],
  [
    'SELinux type',
    (p) => (p.securityContext.seLinuxOptions = { type: 'spc_t' }),
    'securityContext.seLinuxOptions.type',
  ],
  [
    'SELinux user',
    (p) => (p.containers[0].securityContext.seLinuxOptions = { user: 'system_u' }),
    'containers[agent].securityContext.seLinuxOptions.user',
  ],
  [
    'unsafe sysctl',
    (p) => (p.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]),
    'securityContext.sysctls[kernel.msgmax]',
  ],
  [
    'Unmasked /proc',
    (p) => (p.containers[0].securityContext.procMount = 'Unmasked'),
    'containers[agent].securityContext.procMount',
  ],
  [
    'host port',
    (p) => (p.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]),
    'containers[agent].ports',
  ],
  [
    'Windows host process',
    (p) => (p.securityContext.windowsOptions = { hostProcess: true }),
    'securityContext.windowsOptions.hostProcess',
  ],
  [
    'init container',
    (p) => (p.initContainers = [{ name: 'init', securityContext: {} }]),
    'initContainers[init].securityContext.allowPrivilegeEscalation',
  ],
];

describe('restrictedViolations: the restricted Pod Security level', () => {
  it('passes a Pod that meets it', () => {
    expect(restrictedViolations(restrictedPod())).toEqual([]);
  });

  it.each(cases)('refuses %s', (_name, mutate, path) => {
    const pod = restrictedPod();
    mutate(pod);
    expect(restrictedViolations(pod).map((v) => v.path)).toContain(path);
  });

  it('allows the safe sysctls and NET_BIND_SERVICE, as the admission plugin does', () => {
    const pod: Pod = restrictedPod();
    pod.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }];
    pod.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    pod.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(restrictedViolations(pod)).toEqual([]);
  });

  it('refuses the AppArmor annotation that unconfines a container', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/agent';
    expect(restrictedViolations(restrictedPod(), { [key]: 'unconfined' })).toEqual([
      { path: `metadata.annotations[${key}]`, problem: 'runs without AppArmor' },
    ]);
    expect(restrictedViolations(restrictedPod(), { [key]: 'runtime/default' })).toEqual([]);
  });
});
