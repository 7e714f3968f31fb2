// `make demo`: the local control plane, kept running until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { startTestBed, type TestBed } from './testbed/testbed.js';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  say(
    '==> starting the local control plane (etcd, kube-apiserver, kube-controller-manager, node agent, versitygw)',
  );
  const bed: TestBed = await startTestBed({ progress: (line) => say(`    ${line}`) });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`\n==> ${signal}: stopping the control plane`);
    await bed.stop();
    say('    stopped; state and logs kept in ' + bed.dir);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const timings = Object.entries(bed.timings)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  say(`    start-up: ${timings}`);
  say('');
  say(`kubeconfig:  ${bed.kubeconfigPath}`);
  say(`etcd:        ${bed.etcd.endpoint}`);
  say(`S3:          ${bed.s3.endpoint} (versitygw, region ${bed.s3.region})`);
  say(`logs:        ${bed.dir}`);
  say('');
  say(`$ kubectl --kubeconfig ${bed.kubeconfigPath} get nodes`);
  say(
    execFileSync(bed.kubectl, ['--kubeconfig', bed.kubeconfigPath, 'get', 'nodes'], {
      encoding: 'utf8',
    }),
  );
  say('Try it from another shell (kubectl of the same release):');
  say(`  export KUBECONFIG=${bed.kubeconfigPath}`);
  say(`  ${bed.kubectl} get nodes,namespaces`);
  say('\nRunning until Ctrl-C.');
  // Keep the event loop alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
