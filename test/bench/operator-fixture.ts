// What the operator benchmark needs on the bed: a namespace, an S3 bucket and its
// credentials Secret, many EtcdBackups on one schedule, and a watch on their Jobs.
import type { V1Job, V1Secret } from '@kubernetes/client-node';
import { LABELS, type EtcdBackup } from '../../src/api/v1alpha1/index.js';
import { systemClock } from '../../src/controller/clock.js';
import { Informer } from '../../src/controller/informer.js';
import { createKubePorts } from '../../src/kube/ports.js';
import { ETCD_BACKUPS, JOBS, SECRETS } from '../../src/kube/resources.js';
import type { TestBed } from '../support/testbed/testbed.js';
import { createBucket } from '../support/testbed/versitygw.js';

const CREDENTIALS = 's3-creds';

/** Namespace, bucket and credentials Secret that the backups point at. */
export async function prepareNamespace(bed: TestBed, namespace: string): Promise<void> {
  await bed.createNamespace(namespace);
  await createBucket(bed.s3, namespace);
  await createKubePorts(bed.kubeConfig)
    .customResource<V1Secret>(SECRETS)
    .create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CREDENTIALS, namespace },
      stringData: {
        AWS_ACCESS_KEY_ID: bed.s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: bed.s3.secretAccessKey,
      },
    });
}

/** `M H * * *` (UTC): fires once a day, at the whole minute of `at`. */
export function dailyCronAt(at: Date): string {
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

export function backupName(i: number): string {
  return `bench-${String(i).padStart(4, '0')}`;
}

/** Creates `count` EtcdBackups on `schedule`, `inFlight` creates at a time. */
export async function createBackups(
  bed: TestBed,
  namespace: string,
  count: number,
  schedule: string,
  inFlight = 16,
): Promise<void> {
  const client = createKubePorts(bed.kubeConfig).customResource<EtcdBackup>(ETCD_BACKUPS);
  const { s3 } = bed;
  const spec: EtcdBackup['spec'] = {
    etcd: { endpoints: [bed.etcd.endpoint] },
    schedule,
    destination: {
      s3: {
        bucket: namespace,
        prefix: 'bench/',
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentialsSecretRef: { name: CREDENTIALS },
      },
    },
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await client.create({ metadata: { name: backupName(i), namespace }, spec } as EtcdBackup);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** How many of the namespace's EtcdBackups the operator has planned (status.nextScheduleTime set). */
export async function countScheduled(bed: TestBed, namespace: string): Promise<number> {
  const client = createKubePorts(bed.kubeConfig).customResource<EtcdBackup>(ETCD_BACKUPS);
  const { items } = await client.list(namespace);
  return items.filter((b) => b.status?.nextScheduleTime).length;
}

/** Notes the local time each backup Job is first seen, through a watch (1 ms resolution). */
export class JobArrivals {
  /** Job name → local ms when its first watch event arrived. */
  readonly seenAt = new Map<string, number>();
  private readonly informer: Informer<V1Job>;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(bed: TestBed, namespace: string) {
    const source = createKubePorts(bed.kubeConfig).listWatch<V1Job>(JOBS, {
      namespace,
      labelSelector: LABELS.backup,
    });
    this.informer = new Informer<V1Job>({ name: 'bench-jobs', source, clock: systemClock });
    this.informer.addHandler((job) => this.seen(job));
  }

  async start(): Promise<void> {
    this.informer.start();
    while (!this.informer.hasSynced()) await new Promise((r) => setTimeout(r, 50));
  }

  /** Resolves true once `count` Jobs were seen, false after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<boolean> {
    if (this.seenAt.size >= count) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      });
    });
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  private seen(job: V1Job): void {
    const name = job.metadata?.name;
    if (!name || this.seenAt.has(name)) return;
    this.seenAt.set(name, Date.now());
    for (const waiter of this.waiters.filter((w) => this.seenAt.size >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}
