// `make demo`: the local control plane with the operator backing up the bed's own etcd, until Ctrl-C.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DEMO_BACKUP,
  DEMO_NAMESPACE,
  startDemoOperator,
  type DemoOperator,
} from './demo-operator.js';
import { productEntrypoint } from './testbed/entrypoint.js';
import { startTestBed, type TestBed } from './testbed/testbed.js';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function show(demo: DemoOperator, title: string, ...args: string[]): Promise<void> {
  say(`\n$ kubectl ${title}`);
  say((await demo.kubectl(...args)).trimEnd());
}

async function main(): Promise<void> {
  say(
    '==> starting the local control plane (etcd, kube-apiserver, kube-controller-manager, node agent, versitygw)',
  );
  const bed: TestBed = await startTestBed({ progress: (line) => say(`    ${line}`) });
  const running: { demo?: DemoOperator } = {};
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`\n==> ${signal}: stopping the operator and the control plane`);
    await running.demo?.operator.stop();
    await bed.stop();
    say(`    stopped; state and logs kept in ${bed.dir}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  say(
    `    start-up: ${Object.entries(bed.timings)
      .map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );

  say(
    "==> installing the CRDs, starting etcd-snapshot operator, applying an EtcdBackup of the bed's etcd",
  );
  say('    (every minute, to versitygw, zstd + age encryption, keep the last 3)');
  const demo = await startDemoOperator(bed);
  running.demo = demo;
  // Don't wait up to a minute for the schedule: ask for a run now.
  await demo.kubectl(
    'annotate',
    '-n',
    DEMO_NAMESPACE,
    `etcdbackup/${DEMO_BACKUP}`,
    'etcdsnapshot.dev/run-now=demo-start',
    '--overwrite',
  );
  say('==> waiting for the first successful backup');
  await demo.kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded',
    '-n',
    DEMO_NAMESPACE,
    `etcdbackup/${DEMO_BACKUP}`,
    '--timeout=180s',
  );
  await show(
    demo,
    `get etcdbackups -n ${DEMO_NAMESPACE}`,
    'get',
    'etcdbackups',
    '-n',
    DEMO_NAMESPACE,
  );
  await show(
    demo,
    `get events -n ${DEMO_NAMESPACE}`,
    'get',
    'events',
    '-n',
    DEMO_NAMESPACE,
    '--sort-by=.metadata.creationTimestamp',
  );
  const [node, ...cli] = productEntrypoint();
  say(`\n$ etcd-snapshot list --from '${demo.destination}'`);
  const list = await promisify(execFile)(node!, [...cli, 'list', '--from', demo.destination], {
    env: { ...process.env, ...demo.s3Env },
    encoding: 'utf8',
  });
  say(list.stdout.trimEnd());
  say('');
  say(`kubeconfig:  ${bed.kubeconfigPath}`);
  say(`operator log: ${demo.operator.spec.logFile}`);
  say(`age identity (to decrypt): ${demo.identityFile}`);
  say('Try it from another shell:');
  say(`  export KUBECONFIG=${bed.kubeconfigPath}`);
  say(`  ${bed.kubectl} get etcdbackups -A -w`);
  say(
    `  AWS_ACCESS_KEY_ID=${bed.s3.accessKeyId} AWS_SECRET_ACCESS_KEY=... etcd-snapshot inspect --from '${demo.destination}' --name ${DEMO_BACKUP} --identity-file ${demo.identityFile}`,
  );
  say('\nA new snapshot every minute; retention keeps 3. Running until Ctrl-C.');
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
