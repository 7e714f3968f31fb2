import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  KINDS,
  LABELS,
  PLURALS,
  VERSION,
  type EtcdBackup,
} from '../../src/api/v1alpha1/index.js';
import { readCatalog, type Catalog } from '../../src/snapshot/catalog.js';
import { openStore, parseStoreUrl } from '../../src/storage/index.js';
import { bedKubectl } from './operator.js';
import type { TestBed } from './testbed/testbed.js';
import { waitFor } from './wait.js';

/** EtcdBackups, their Jobs and their stored snapshots in one namespace of the bed. */
export class BackupFixture {
  constructor(
    private readonly bed: () => TestBed,
    readonly namespace: string,
    readonly bucket: string,
    readonly prefix = 'bed/',
  ) {}

  kubectl(...args: string[]): Promise<string> {
    return bedKubectl(this.bed())(...args);
  }

  /** The namespace, an S3 credentials Secret `s3-creds` and the bucket. */
  async setUp(createBucketFn: () => Promise<void>): Promise<void> {
    const { s3 } = this.bed();
    await this.bed().createNamespace(this.namespace);
    await this.bed()
      .kubeConfig.makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: this.namespace,
        body: {
          metadata: { name: 's3-creds' },
          stringData: {
            AWS_ACCESS_KEY_ID: s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
          },
        },
      });
    await createBucketFn();
  }

  destination(): NonNullable<EtcdBackup['spec']>['destination'] {
    const { s3 } = this.bed();
    return {
      s3: {
        bucket: this.bucket,
        prefix: this.prefix,
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentialsSecretRef: { name: 's3-creds' },
      },
    };
  }

  async create(name: string, spec: EtcdBackup['spec']): Promise<void> {
    await this.bed()
      .kubeConfig.makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: PLURALS.backup,
        body: { apiVersion: API_VERSION, kind: KINDS.backup, metadata: { name }, spec },
      });
  }

  async get(name: string): Promise<EtcdBackup> {
    return JSON.parse(
      await this.kubectl('get', '-n', this.namespace, `etcdbackup/${name}`, '-o', 'json'),
    ) as EtcdBackup;
  }

  /** Polls the EtcdBackup until `test` holds; fails naming `what`. */
  async waitUntil(
    name: string,
    what: string,
    test: (backup: EtcdBackup) => boolean,
    timeoutMs = 150_000,
  ): Promise<EtcdBackup> {
    return waitFor(
      async () => {
        const backup = await this.get(name);
        return test(backup) ? backup : undefined;
      },
      { timeoutMs, what: `${name}: ${what}`, intervalMs: 500 },
    );
  }

  async mergePatch(name: string, patch: object): Promise<void> {
    await this.kubectl(
      'patch',
      '-n',
      this.namespace,
      `etcdbackup/${name}`,
      '--type',
      'merge',
      '-p',
      JSON.stringify(patch),
    );
  }

  /** The backup's Jobs, oldest first, with their trigger label. */
  async jobs(name: string): Promise<Array<{ name: string; trigger: string | undefined }>> {
    const list = JSON.parse(
      await this.kubectl(
        'get',
        'jobs',
        '-n',
        this.namespace,
        '-l',
        `${LABELS.backup}=${name}`,
        '-o',
        'json',
      ),
    ) as {
      items: Array<{
        metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
      }>;
    };
    return list.items
      .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))
      .map((j) => ({ name: j.metadata.name, trigger: j.metadata.labels?.[LABELS.trigger] }));
  }

  /** Events about one object, as `type/reason: message`. */
  async events(name: string): Promise<string[]> {
    const list = JSON.parse(
      await this.kubectl('get', 'events.events.k8s.io', '-n', this.namespace, '-o', 'json'),
    ) as {
      items: Array<{ regarding?: { name?: string }; type: string; reason: string; note?: string }>;
    };
    return list.items
      .filter((e) => e.regarding?.name === name)
      .map((e) => `${e.type}/${e.reason}: ${e.note ?? ''}`);
  }

  /** What is stored for one backup name: the verified catalog and every raw object key. */
  async stored(name: string): Promise<{ catalog: Catalog; keys: string[] }> {
    const { s3 } = this.bed();
    const store = openStore(
      parseStoreUrl(
        `s3://${this.bucket}/${this.prefix}?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`,
      ),
      { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
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
