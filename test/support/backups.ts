import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  type KubeConfig,
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
  type S3Destination,
} from '../../src/api/v1alpha1/index.js';
import { readCatalog, type Catalog } from '../../src/snapshot/catalog/catalog.js';
import { openStore, parseStoreUrl } from '../../src/storage/index.js';
import { bedKubectl } from './operator.js';
import type { TestBed } from './testbed/testbed.js';
import { createBucket } from './testbed/versitygw.js';
import { waitFor } from './wait.js';

/** How long a case waits for the operator: generous, the 2 cores are shared. */
const WAIT_MS = 120_000;

export interface BackupEvent {
  readonly type: string;
  readonly reason: string;
  readonly note: string;
  readonly count: number;
}

/**
 * What an e2e case needs to drive EtcdBackups in one namespace of the bed,
 * storing to one bucket of the bed's S3, and to look at what the operator
 * made of them: conditions, Events, Jobs and the stored snapshots.
 * Everything is asynchronous: the bed's node agent runs in the test process.
 */
export class BackupFixture {
  constructor(
    readonly bed: () => TestBed,
    readonly namespace: string,
    readonly bucket: string,
    readonly prefix = 'bed/',
    /** Who creates the EtcdBackups: the bed's admin unless a tenant's credentials are given. */
    readonly author?: () => KubeConfig,
  ) {}

  kubectl(...args: string[]): Promise<string> {
    return bedKubectl(this.bed())(...args);
  }

  /** The bed's S3 credentials, as the Secret `s3-creds` holds them. */
  credentials(): Record<string, string> {
    const { s3 } = this.bed();
    return { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
  }

  /** The namespace, an S3 credentials Secret `s3-creds` and the bucket. */
  async setUp(): Promise<void> {
    await this.bed().createNamespace(this.namespace);
    await this.putSecret('s3-creds', this.credentials());
    await createBucket(this.bed().s3, this.bucket);
  }

  /** The bucket under the prefix, with `s3-creds`; `overrides` change any field. */
  destination(overrides: Partial<S3Destination> = {}): EtcdBackup['spec']['destination'] {
    const { s3 } = this.bed();
    return {
      s3: {
        bucket: this.bucket,
        prefix: this.prefix,
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentialsSecretRef: { name: 's3-creds' },
        ...overrides,
      },
    };
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

  async create(name: string, spec: EtcdBackup['spec']): Promise<EtcdBackup> {
    return (await (this.author?.() ?? this.bed().kubeConfig)
      .makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURALS.backup,
        body: { apiVersion: API_VERSION, kind: KINDS.backup, metadata: { name }, spec },
      })) as EtcdBackup;
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

  async get(name: string): Promise<EtcdBackup> {
    return (await this.bed().kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: PLURALS.backup,
      name,
    })) as EtcdBackup;
  }

  async mergePatch(name: string, patch: object): Promise<void> {
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

  /** Polls the EtcdBackup until `test` holds; a timeout names `what` and the last conditions. */
  async waitUntil(
    name: string,
    what: string,
    test: (backup: EtcdBackup) => boolean,
    timeoutMs = 150_000,
  ): Promise<EtcdBackup> {
    let seen: unknown;
    try {
      return await waitFor(
        async () => {
          const backup = await this.get(name);
          seen = backup.status?.conditions;
          return test(backup) ? backup : undefined;
        },
        { timeoutMs, what: `${name}: ${what}`, intervalMs: 500 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; conditions seen last: ${JSON.stringify(seen)}`, {
        cause: err,
      });
    }
  }

  /** Waits until condition `type` has `status`. */
  async waitForCondition(
    name: string,
    type: string,
    status: Condition['status'],
  ): Promise<{ backup: EtcdBackup; condition: Condition }> {
    const find = (b: EtcdBackup) => b.status?.conditions?.find((c) => c.type === type);
    const backup = await this.waitUntil(
      name,
      `${type}=${status}`,
      (b) => find(b)?.status === status,
      WAIT_MS,
    );
    return { backup, condition: find(backup)! };
  }

  /** The backup's Jobs, oldest first, with their trigger label. */
  async jobs(name: string): Promise<Array<{ name: string; trigger: string | undefined }>> {
    const list = await this.bed()
      .kubeConfig.makeApiClient(BatchV1Api)
      .listNamespacedJob({ namespace: this.namespace, labelSelector: `${LABELS.backup}=${name}` });
    const created = (j: (typeof list.items)[number]) =>
      new Date(j.metadata?.creationTimestamp ?? 0).getTime();
    return list.items
      .sort((a, b) => created(a) - created(b))
      .map((j) => ({
        name: j.metadata?.name ?? '',
        trigger: j.metadata?.labels?.[LABELS.trigger],
      }));
  }

  async pods(name: string): Promise<number> {
    const list = await this.bed()
      .kubeConfig.makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: this.namespace, labelSelector: `${LABELS.backup}=${name}` });
    return list.items.length;
  }

  /** events.k8s.io Events regarding one EtcdBackup (what the operator writes). */
  async events(name: string): Promise<BackupEvent[]> {
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

  /** The same Events as `type/reason: note`. */
  async eventLines(name: string): Promise<string[]> {
    return (await this.events(name)).map((e) => `${e.type}/${e.reason}: ${e.note}`);
  }

  /** Waits for a Warning Event with `reason` regarding `name` (Events are written after the status). */
  waitForWarning(name: string, reason: string): Promise<BackupEvent> {
    return waitFor(
      async () =>
        (await this.events(name)).find((e) => e.type === 'Warning' && e.reason === reason),
      { timeoutMs: WAIT_MS, what: `a Warning Event ${reason} regarding ${name}`, intervalMs: 500 },
    );
  }

  /** What is stored for one backup name: the verified catalog and every raw object key. */
  async stored(name: string): Promise<{ catalog: Catalog; keys: string[] }> {
    const { s3 } = this.bed();
    const store = openStore(
      parseStoreUrl(
        `s3://${this.bucket}/${this.prefix}?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`,
      ),
      this.credentials(),
    );
    try {
      const catalog = await readCatalog(store, name);
      const keys: string[] = [];
      for await (const object of store.list(`${name}/`)) keys.push(object.key);
      return { catalog, keys };
    } finally {
      await store.close();
    }
  }
}
