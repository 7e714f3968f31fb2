import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  type V1Job,
} from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  KINDS,
  LABELS,
  PLURALS,
  VERSION,
  type Condition,
  type EtcdBackup,
} from '../../src/api/v1alpha1/index.js';
import { bedKubectl } from './operator.js';
import type { TestBed } from './testbed/testbed.js';
import { waitFor } from './wait.js';

/** How long a case waits for the operator: generous, the 2 cores are shared. */
export const WAIT_MS = 120_000;

export interface BackupEvent {
  readonly type: string;
  readonly reason: string;
  readonly note: string;
  readonly count: number;
}

/**
 * What an e2e case needs to drive EtcdBackups in one namespace of the bed and
 * to look at what the operator made of them: conditions, Events, Jobs.
 * Everything is asynchronous: the bed's node agent runs in the test process.
 */
export class BackupProbes {
  constructor(
    private readonly bed: () => TestBed,
    readonly namespace: string,
  ) {}

  kubectl(...args: string[]): Promise<string> {
    return bedKubectl(this.bed())(...args);
  }

  async createBackup(
    name: string,
    spec: EtcdBackup['spec'],
    annotations?: Record<string, string>,
  ): Promise<void> {
    await this.bed()
      .kubeConfig.makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURALS.backup,
        body: {
          apiVersion: API_VERSION,
          kind: KINDS.backup,
          metadata: { name, ...(annotations ? { annotations } : {}) },
          spec,
        },
      });
  }

  /** `kubectl apply` of a manifest, as a user would; rejects with kubectl's stderr. */
  async apply(manifest: object, file: string): Promise<string> {
    const target = path.join(this.bed().dir, file);
    writeFileSync(target, JSON.stringify(manifest, null, 2));
    try {
      return await this.kubectl('apply', '-n', this.namespace, '-f', target);
    } catch (err) {
      throw new Error((err as { stderr?: string }).stderr || String(err), { cause: err });
    }
  }

  async mergePatchBackup(name: string, patch: object): Promise<void> {
    await this.kubectl(
      'patch',
      '-n',
      this.namespace,
      `${PLURALS.backup}/${name}`,
      '--type=merge',
      '-p',
      JSON.stringify(patch),
    );
  }

  async getBackup(name: string): Promise<EtcdBackup> {
    return (await this.bed().kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: PLURALS.backup,
      name,
    })) as EtcdBackup;
  }

  /** Waits until condition `type` has `status`; a timeout names what was seen last. */
  async waitForCondition(
    name: string,
    type: string,
    status: Condition['status'],
  ): Promise<{ backup: EtcdBackup; condition: Condition }> {
    let seen: unknown;
    try {
      return await waitFor(
        async () => {
          const backup = await this.getBackup(name);
          seen = backup.status?.conditions;
          const condition = backup.status?.conditions?.find((c) => c.type === type);
          return condition?.status === status ? { backup, condition } : undefined;
        },
        { timeoutMs: WAIT_MS, what: `${name}: ${type}=${status}`, intervalMs: 500 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; conditions seen last: ${JSON.stringify(seen)}`, {
        cause: err,
      });
    }
  }

  /** events.k8s.io Events regarding one EtcdBackup (what the operator writes). */
  async eventsOf(name: string): Promise<BackupEvent[]> {
    const list = await this.bed()
      .kubeConfig.makeApiClient(EventsV1Api)
      .listNamespacedEvent({ namespace: this.namespace });
    return list.items
      .filter((e) => e.regarding?.kind === KINDS.backup && e.regarding.name === name)
      .map((e) => ({
        type: e.type ?? '',
        reason: e.reason ?? '',
        note: e.note ?? '',
        count: e.series?.count ?? 1,
      }));
  }

  /** Waits for a Warning Event with `reason` regarding `name` (Events are written after the status). */
  waitForWarning(name: string, reason: string): Promise<BackupEvent> {
    return waitFor(
      async () =>
        (await this.eventsOf(name)).find((e) => e.type === 'Warning' && e.reason === reason),
      { timeoutMs: WAIT_MS, what: `a Warning Event ${reason} regarding ${name}`, intervalMs: 500 },
    );
  }

  async jobsOf(name: string): Promise<V1Job[]> {
    const list = await this.bed()
      .kubeConfig.makeApiClient(BatchV1Api)
      .listNamespacedJob({
        namespace: this.namespace,
        labelSelector: `${LABELS.backup}=${name}`,
      });
    return list.items;
  }

  async podsOf(name: string): Promise<number> {
    const list = await this.bed()
      .kubeConfig.makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: this.namespace, labelSelector: `${LABELS.backup}=${name}` });
    return list.items.length;
  }

  /** Creates or replaces an Opaque Secret. */
  async putSecret(name: string, stringData: Record<string, string>): Promise<void> {
    const core = this.bed().kubeConfig.makeApiClient(CoreV1Api);
    const body = { metadata: { name }, stringData };
    try {
      await core.replaceNamespacedSecret({ name, namespace: this.namespace, body });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      await core.createNamespacedSecret({ namespace: this.namespace, body });
    }
  }

  /**
   * Where any of `secrets` (label -> value) shows up: the namespace's
   * EtcdBackups (status included), Events, Jobs and ConfigMaps as the API
   * returns them, and the operator's and the Job containers' logs in the bed
   * directory. Names the label, never the value.
   */
  async leaksOf(secrets: Readonly<Record<string, string>>): Promise<string[]> {
    const ns = this.namespace;
    const places: Array<[string, string]> = [];
    for (const kind of [PLURALS.backup, 'events.events.k8s.io', 'events', 'jobs', 'configmaps']) {
      places.push([`kubectl get ${kind}`, await this.kubectl('get', kind, '-n', ns, '-o', 'json')]);
    }
    for (const file of logFiles(this.bed().dir)) places.push([file, readFileSync(file, 'utf8')]);
    return places.flatMap(([where, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([label]) => `${where} contains the ${label}`),
    );
  }
}

/** operator.log and every container log the node agent wrote (<bed>/node/pods/<pod>/<container>.log). */
function logFiles(dir: string): string[] {
  const files = [path.join(dir, 'operator.log')];
  const pods = path.join(dir, 'node', 'pods');
  let entries: string[];
  try {
    entries = readdirSync(pods);
  } catch {
    return files; // no Pod ran
  }
  for (const pod of entries) {
    const podDir = path.join(pods, pod);
    if (!statSync(podDir).isDirectory()) continue;
    for (const f of readdirSync(podDir)) if (f.endsWith('.log')) files.push(path.join(podDir, f));
  }
  return files;
}
