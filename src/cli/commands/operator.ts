import { EXIT_CODES } from '../../api/errors.js';
import os from 'node:os';
import { agentPolicyFrom } from '../../controller/policy/policy-from.js';
import { defaultImage } from '../../config/image.js';
import { systemClock } from '../../controller/clock.js';
import { registerBackupController } from '../../controller/backup/controller.js';
import { registerRestoreController } from '../../controller/restore/controller.js';
import { leaderIdentity } from '../../controller/leader-election.js';
import { Manager } from '../../controller/manager.js';
import { loadKubeConfig } from '../../kube/kubeconfig.js';
import { createKubePorts } from '../../kube/ports.js';
import { createRegistry } from '../../observability/metrics.js';
import { createLogger, type LoggerOptions } from '../../observability/logger.js';
import { intFlag, parseFlags } from '../args.js';
import { type CliIO, type Command } from '../command.js';

const flags = {
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  'no-leader-elect': { type: 'boolean', default: false },
  'leader-election-namespace': { type: 'string' },
  'health-port': { type: 'string', default: '8080' },
  image: { type: 'string' },
  'trusted-namespaces': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
} as const;

export const operatorCommand: Command = {
  name: 'operator',
  usage: `Usage: etcd-snapshot operator [options]

Watches EtcdBackups and EtcdRestores and runs each snapshot and restore as a Job
of this image.

  --kubeconfig FILE                 default: $KUBECONFIG, ~/.kube/config, or in-cluster
  --namespace NS                    watch one namespace (default: all)
  --no-leader-elect                 run without a Lease (a single replica only)
  --leader-election-namespace NS    where the Lease lives (default: $POD_NAMESPACE or default)
  --health-port PORT                /healthz, /readyz and /metrics (default 8080; 0 = off)
  --image IMAGE                     the image snapshot Jobs run (default: $ETCD_SNAPSHOT_IMAGE
                                    or this build's image)
  --trusted-namespaces LIST         namespaces whose EtcdBackups/EtcdRestores may ask for host
                                    access (hostNetwork, hostPath, root, nodeName, another image
                                    or ServiceAccount); comma-separated, * for all (default:
                                    $POD_NAMESPACE). Elsewhere every Job passes the restricted
                                    Pod Security level; see docs/security.md
  --log-level LEVEL                 default info`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseFlags('operator', args, flags);
    const logger = createLogger({
      level: values['log-level'] as LoggerOptions['level'],
      destination: io.stdout,
      base: { component: 'operator' },
    });
    const kubeConfig = loadKubeConfig(values.kubeconfig, io.env);
    const ports = createKubePorts(kubeConfig);
    const podName = io.env.POD_NAME ?? os.hostname();
    const healthPort = intFlag(values['health-port'], 'health-port', 0) ?? 8080;
    let fatal: string | undefined;
    const manager = new Manager({
      clock: systemClock,
      logger,
      registry: createRegistry(),
      ...(values['no-leader-elect']
        ? {}
        : {
            leaderElection: {
              lease: ports.leases,
              namespace: values['leader-election-namespace'] ?? io.env.POD_NAMESPACE ?? 'default',
              name: 'etcd-snapshot-operator',
              identity: leaderIdentity(podName),
            },
          }),
      ...(healthPort > 0 ? { health: { port: healthPort } } : {}),
      onFatal: (reason) => {
        fatal = reason;
        logger.fatal({ reason }, 'stopping: leadership lost');
        stopped.resolve();
      },
    });
    const image = values.image ?? io.env.ETCD_SNAPSHOT_IMAGE ?? defaultImage();
    const policy = agentPolicyFrom({
      trustedNamespaces: values['trusted-namespaces'],
      ownNamespace: io.env.POD_NAMESPACE,
      image,
      apiServer: kubeConfig.getCurrentCluster()?.server,
      serviceHost: io.env.KUBERNETES_SERVICE_HOST,
      servicePort: io.env.KUBERNETES_SERVICE_PORT,
      healthPort: healthPort > 0 ? healthPort : undefined,
      podIp: io.env.POD_IP,
    });
    logger.info({ trustedNamespaces: policy.trustedNamespaces }, 'agent policy');
    const controllerOptions = {
      manager,
      ports,
      clock: systemClock,
      ...(values.namespace ? { namespace: values.namespace } : {}),
      image,
      policy,
      instance: podName,
    };
    registerBackupController(controllerOptions);
    registerRestoreController(controllerOptions);
    const stopped = Promise.withResolvers<void>();
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      stopped.resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    await manager.start();
    logger.info({ podName, healthPort }, 'operator started');
    await stopped.promise;
    await manager.stop();
    // Leadership lost: exit non-zero so Kubernetes restarts us (as controller-runtime does).
    return fatal ? EXIT_CODES.internal : EXIT_CODES.ok;
  },
};
