import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { NodeAgent } from '../../support/testbed/node-agent/node-agent.js';
import { podPaths } from '../../support/testbed/node-agent/pod-paths.js';
import { FakeKube } from './node-agent-fake-kube.js';

// A stand-in for dist/main.js: each "command" exercises one thing the agent must provide.
const ENTRY_SCRIPT = `
import fs from 'node:fs';
import path from 'node:path';
const root = process.env.ETCD_SNAPSHOT_FS_ROOT;
const inRoot = (p) => path.join(root, p);
const [cmd, ...rest] = process.argv.slice(2);
switch (cmd) {
  case 'exit': process.exit(Number(rest[0]));
  case 'env': console.log(JSON.stringify(process.env)); break;
  case 'cat': process.stdout.write(fs.readFileSync(inRoot(rest[0]), 'utf8')); break;
  case 'pwd': console.log(process.cwd()); break;
  case 'message': fs.writeFileSync(inRoot(rest[1] ?? '/dev/termination-log'), rest[0]); process.exit(Number(rest[2] ?? 0));
  case 'noisy-fail': for (let i = 0; i < 100; i++) console.log('line ' + i); process.exit(2);
  case 'flaky': {
    const f = inRoot(rest[0]);
    const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0;
    fs.writeFileSync(f, String(n + 1));
    process.exit(n < Number(rest[1]) ? 1 : 0);
  }
  case 'sleep':
    process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(Number(rest[0] ?? 143)); });
    console.log('ready');
    setInterval(() => {}, 1000);
    break;
  case 'stubborn':
    process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
    console.log('ready');
    setInterval(() => {}, 1000);
    break;
}
`;

const OWN = 'operator:dev';
const NODE = 'bed-node';
let dir: string;
let entry: string[];
let kube: FakeKube;
let agent: NodeAgent;
let logs: string[];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'node-agent-test-'));
  writeFileSync(path.join(dir, 'entry.mjs'), ENTRY_SCRIPT);
  entry = [process.execPath, path.join(dir, 'entry.mjs')];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startAgent(): Promise<void> {
  logs = [];
  agent = new NodeAgent(
    {
      kubeConfig: new KubeConfig(),
      nodeName: NODE,
      workDir: path.join(dir, expect.getState().currentTestName!.replace(/\W+/g, '-')),
      images: (image) => image === OWN,
      entrypoint: entry,
      apiServerHost: '127.0.0.1',
      apiServerPort: 6443,
      log: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields ?? {})}`),
    },
    { kube, leaseRenewMs: 50, resyncMs: 200, retryMs: 100 },
  );
  await agent.start();
}

beforeEach(async () => {
  kube = new FakeKube();
  await startAgent();
});
afterEach(async () => {
  await agent.stop();
});

async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; agent log:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const podSpec = (containers: V1Container[], extra: Partial<V1Pod['spec']> = {}): V1Pod => ({
  metadata: { name: 'p' },
  spec: { restartPolicy: 'Never', containers, ...extra },
});
const own = (args: string[], extra: Partial<V1Container> = {}): V1Container => ({
  name: 'main',
  image: OWN,
  args,
  ...extra,
});
const phaseOf = (name = 'p') => kube.get(name)?.status?.phase;
/** Running, with its signal handlers installed (the script prints "ready" once they are). */
const ready = (name = 'p') =>
  phaseOf(name) === 'Running' && logOf(kube.get(name)!).includes('ready');
const terminal = (name = 'p') =>
  ['Succeeded', 'Failed'].includes(phaseOf(name) ?? '') && kube.get(name);
const logOf = (pod: V1Pod, container = 'main') =>
  readFileSync(podPaths(workDirOf(), pod).logFile(container), 'utf8');
const workDirOf = () => path.join(dir, expect.getState().currentTestName!.replace(/\W+/g, '-'));

describe('NodeAgent against a fake API', () => {
  it('registers its node and lease', () => {
    expect(kube.nodes[0]?.metadata?.name).toBe(NODE);
    expect(kube.nodes[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(kube.nodes[0]?.status?.allocatable).toMatchObject({
      cpu: '2',
      memory: '24Gi',
      pods: '110',
    });
    expect(kube.leaseRenewals).toBeGreaterThanOrEqual(1);
  });

  it('binds a pending pod, runs it and reports Pending -> Running -> Succeeded', async () => {
    kube.create(podSpec([own(['exit', '0'])]));
    const pod = await waitFor('success', () => terminal());
    expect(pod.spec?.nodeName).toBe(NODE);
    expect(pod.status).toMatchObject({
      phase: 'Succeeded',
      podIP: '127.0.0.1',
      hostIP: '127.0.0.1',
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const phases = kube.statusWrites.map((w) => w.status?.phase);
    expect(phases[0]).toBe('Pending');
    expect(phases.at(-1)).toBe('Succeeded');
  });

  it('leaves pods of another scheduler or node alone', async () => {
    kube.create({
      ...podSpec([own(['exit', '0'])], { schedulerName: 'other' }),
      metadata: { name: 'a' },
    });
    kube.create({
      ...podSpec([own(['exit', '0'])], { nodeName: 'elsewhere' }),
      metadata: { name: 'b' },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(kube.get('a')?.spec?.nodeName).toBeUndefined();
    expect(kube.get('b')?.status).toBeUndefined();
  });

  it('gives the container its environment, file-system root and working directory', async () => {
    kube.secrets.set('default/creds', { data: { key: Buffer.from('s3cr3t').toString('base64') } });
    const env = [
      { name: 'SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'key' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ];
    kube.create(
      podSpec([own(['env'], { env }), own(['pwd'], { name: 'cwd', workingDir: '/work/dir' })]),
    );
    const pod = await waitFor('success', () => terminal());
    const printed = JSON.parse(logOf(pod)) as Record<string, string>;
    const root = podPaths(workDirOf(), pod).root;
    expect(printed).toMatchObject({
      SECRET: 's3cr3t',
      POD: 'p',
      HOSTNAME: 'p',
      ETCD_SNAPSHOT_FS_ROOT: root,
      HOME: path.join(root, 'root'),
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: '6443',
    });
    expect(logOf(pod, 'cwd').trim()).toBe(path.join(root, 'work/dir'));
  });

  it('mounts secret, projected token and emptyDir volumes under the root', async () => {
    kube.secrets.set('default/tls', { data: { 'ca.crt': Buffer.from('CA!').toString('base64') } });
    kube.create(
      podSpec(
        [
          own(['cat', '/etc/tls/ca.crt'], {
            name: 'main',
            volumeMounts: [{ name: 'tls', mountPath: '/etc/tls', readOnly: true }],
          }),
          own(['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'], {
            name: 'token',
            volumeMounts: [
              { name: 'api', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
            ],
          }),
        ],
        {
          serviceAccountName: 'snap',
          volumes: [
            { name: 'tls', secret: { secretName: 'tls' } },
            {
              name: 'api',
              projected: {
                sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }],
              },
            },
          ],
        },
      ),
    );
    const pod = await waitFor('success', () => terminal());
    expect(pod.status?.phase).toBe('Succeeded');
    expect(logOf(pod)).toBe('CA!');
    expect(logOf(pod, 'token')).toBe('token:snap:');
    expect(kube.tokens).toEqual([{ audience: undefined, expirationSeconds: 3607 }]);
  });

  it('reads the termination message, or the log tail with FallbackToLogsOnError', async () => {
    kube.create({ ...podSpec([own(['message', '{"ok":true}'])]), metadata: { name: 'file' } });
    kube.create({
      ...podSpec([own(['noisy-fail'], { terminationMessagePolicy: 'FallbackToLogsOnError' })]),
      metadata: { name: 'logs' },
    });
    kube.create({
      ...podSpec([own(['message', 'custom', '/tmp/msg'], { terminationMessagePath: '/tmp/msg' })]),
      metadata: { name: 'custom' },
    });
    const file = await waitFor('file', () => terminal('file'));
    const fallback = await waitFor('logs', () => terminal('logs'));
    const custom = await waitFor('custom', () => terminal('custom'));
    expect(file.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe('{"ok":true}');
    const tail = fallback.status?.containerStatuses?.[0]?.state?.terminated;
    expect(tail).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(tail?.message?.split('\n')).toHaveLength(80);
    expect(tail?.message?.endsWith('line 99')).toBe(true);
    expect(custom.status?.containerStatuses?.[0]?.state?.terminated?.message).toBe('custom');
  });

  it('fails a pod whose image cannot run here, at once and saying why', async () => {
    kube.create(podSpec([{ name: 'main', image: 'busybox', command: ['sh'] }]));
    const pod = await waitFor('failure', () => terminal());
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'ErrImageNotRunnable' });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      reason: 'ErrImageNotRunnable',
      message:
        'image "busybox" cannot run on the test-bed node agent: only the operator image runs here',
    });
  });

  it('waits with CreateContainerConfigError until the secret exists', async () => {
    kube.create(
      podSpec([
        own(['exit', '0'], {
          env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'late', key: 'k' } } }],
        }),
      ]),
    );
    const waiting = await waitFor(
      'config error',
      () => kube.get('p')?.status?.containerStatuses?.[0]?.state?.waiting,
    );
    expect(waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'secret "late" not found',
    });
    expect(phaseOf()).toBe('Pending');
    kube.secrets.set('default/late', { data: { k: 'eA==' } });
    expect((await waitFor('success', () => terminal())).status?.phase).toBe('Succeeded');
  });

  it('runs init containers first and fails the pod when one fails under Never', async () => {
    kube.create(
      podSpec([own(['exit', '0'])], { initContainers: [own(['exit', '3'], { name: 'init' })] }),
    );
    const pod = await waitFor('failure', () => terminal());
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3);
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
  });

  it('restarts a failing container in place under OnFailure, counting restarts', async () => {
    kube.create(
      podSpec(
        [
          own(['flaky', '/data/count', '1'], {
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
        {
          restartPolicy: 'OnFailure',
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      ),
    );
    const pod = await waitFor('success', () => terminal());
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      lastState: { terminated: { exitCode: 1 } },
    });
    expect(
      kube.statusWrites.some(
        (w) => w.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
      ),
    ).toBe(true);
  });

  it('stops a deleted pod with SIGTERM, reports its terminal phase and deletes it with grace 0', async () => {
    kube.create({ ...podSpec([own(['sleep', '0'])]), metadata: { name: 'graceful' } });
    kube.create({ ...podSpec([own(['sleep', '143'])]), metadata: { name: 'failing' } });
    await waitFor('ready', () => ready('graceful') && ready('failing'));
    kube.requestDelete('graceful', 30);
    kube.requestDelete('failing', 30);
    await waitFor(
      'deleted',
      () => kube.deleted.includes('graceful') && kube.deleted.includes('failing'),
    );
    const last = (name: string) =>
      kube.statusWrites.filter((w) => w.metadata?.name === name).at(-1)!;
    // A process that handles SIGTERM and exits 0 completed, as on a real kubelet.
    expect(last('graceful').status?.phase).toBe('Succeeded');
    expect(logOf(last('graceful'))).toContain('got SIGTERM');
    expect(last('failing').status?.phase).toBe('Failed');
    expect(last('failing').status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 143,
      reason: 'Error',
    });
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    kube.create(podSpec([own(['stubborn'])]));
    await waitFor('ready', () => ready());
    kube.requestDelete('p', 1);
    await waitFor('deleted', () => kube.deleted.includes('p'));
    expect(
      kube.statusWrites.at(-1)?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
    ).toBe(137);
  });

  it('kills the processes of a pod that vanished, without writing', async () => {
    kube.create(podSpec([own(['stubborn'])]));
    await waitFor('running', () => phaseOf() === 'Running');
    const writes = kube.statusWrites.length;
    kube.forceRemove('p');
    await waitFor('killed', () => logs.some((l) => l.startsWith('container exited')));
    expect(kube.statusWrites.length).toBe(writes);
  });

  it('survives status write conflicts', async () => {
    kube.conflictsToInject = 3;
    kube.create(podSpec([own(['exit', '0'])]));
    expect((await waitFor('success', () => terminal())).status?.phase).toBe('Succeeded');
  });

  it('fails the pods it finds running after a restart, and never reruns finished ones', async () => {
    kube.create({ ...podSpec([own(['sleep'])]), metadata: { name: 'running' } });
    kube.create({ ...podSpec([own(['exit', '0'])]), metadata: { name: 'done' } });
    await waitFor(
      'running',
      () => phaseOf('running') === 'Running' && phaseOf('done') === 'Succeeded',
    );
    await agent.stop();
    const doneWrites = kube.statusWrites.filter((w) => w.metadata?.name === 'done').length;
    await startAgent();
    const orphan = await waitFor('orphan failed', () => terminal('running'));
    expect(orphan.status).toMatchObject({ phase: 'Failed', reason: 'NodeAgentRestarted' });
    expect(orphan.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'NodeAgentRestarted',
    });
    expect(kube.statusWrites.filter((w) => w.metadata?.name === 'done')).toHaveLength(doneWrites);
  });

  it('fails a pod past its activeDeadlineSeconds', async () => {
    kube.create(podSpec([own(['sleep'])], { activeDeadlineSeconds: 1 }));
    const pod = await waitFor('deadline', () => terminal());
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });

  it('stops cleanly with pods still running', async () => {
    kube.create(podSpec([own(['stubborn'])]));
    await waitFor('running', () => phaseOf() === 'Running');
    const started = Date.now();
    await agent.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(phaseOf()).toBe('Running');
  });
});
