import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerProcess } from './container-process.js';
import type { PodPlacement } from './field-ref.js';
import type { NodeAgentKube } from './kube-port.js';
import type { Log } from './log.js';
import type { PodPaths } from './pod-paths.js';
import type { PlannedVolume } from './volume-plan.js';

/** What every pod worker shares: the agent's configuration and its ports. */
export interface WorkerDeps {
  readonly kube: NodeAgentKube;
  readonly workDir: string;
  readonly images: (image: string) => boolean;
  readonly entrypoint: readonly string[];
  /** KUBERNETES_SERVICE_HOST/PORT and the rest of the `kubernetes` Service's variables. */
  readonly serviceEnv: Readonly<Record<string, string>>;
  /** PATH for the processes, standing in for the image's. */
  readonly searchPath: string;
  readonly placement: PodPlacement;
  readonly log: Log;
  /** How long to wait before retrying a missing Secret, ConfigMap or token. */
  readonly retryMs: number;
  readonly now: () => Date;
}

/** What a container runner needs from its pod's worker. */
export interface RunContext {
  readonly deps: WorkerDeps;
  readonly paths: PodPaths;
  readonly volumes: readonly PlannedVolume[];
  pod(): V1Pod;
  /** True once the pod is being stopped: start nothing more. */
  stopping(): boolean;
  /** The records changed: write the pod status (coalesced). */
  report(): void;
  /** A wait that a stop cuts short. */
  sleep(ms: number): Promise<void>;
  /** Registers a running process so a stop can signal it; returns the unregister function. */
  track(proc: ContainerProcess): () => void;
}
