import { readFileSync } from 'node:fs';
import {
  ApiextensionsV1Api,
  BatchV1Api,
  CoreV1Api,
  loadYaml,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { BackupAgentResult } from '../../src/api/agent/index.js';
import { etcdBackupCrd, type EtcdBackup } from '../../src/api/v1alpha1/index.js';
import { backupJobSpec } from '../../src/controller/jobs/backup-job.js';
import { jobNameFor } from '../../src/controller/jobs/names.js';
import { BackupFixture } from '../support/backups.js';
import { useTestBed } from '../support/bed-suite.js';
import { waitFor } from '../support/wait.js';

const bed = useTestBed();
const ns = 'agent-job';
/** EtcdBackups are created for the Jobs' owner reference; no controller runs. */
const fx = new BackupFixture(bed, ns, 'agent-job', 'clusters/bed/');
const SCHEDULED = new Date('2026-03-01T06:00:00Z');

/** Creates the ConfigMap and Job backupJobSpec builds; waits for the Job to finish. */
async function runJob(backup: EtcdBackup) {
  const jobName = jobNameFor(backup.metadata!.name!, SCHEDULED);
  const { job, configMap } = backupJobSpec({
    backup,
    jobName,
    scheduledTime: SCHEDULED,
    trigger: 'once',
    image: bed().operatorImage,
    configMapName: jobName,
  });
  const core = bed().kubeConfig.makeApiClient(CoreV1Api);
  const batch = bed().kubeConfig.makeApiClient(BatchV1Api);
  await core.createNamespacedConfigMap({ namespace: ns, body: configMap as V1ConfigMap });
  await batch.createNamespacedJob({ namespace: ns, body: job as V1Job });
  const condition = await waitFor(
    async () => {
      const current = await batch.readNamespacedJobStatus({ name: jobName, namespace: ns });
      return current.status?.conditions?.find(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
    },
    { timeoutMs: 120_000, what: `job ${jobName} to finish` },
  );
  const pods = await core.listNamespacedPod({
    namespace: ns,
    labelSelector: `job-name=${jobName}`,
  });
  expect(pods.items).toHaveLength(1);
  const pod = pods.items[0]!;
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  const result = JSON.parse(terminated?.message ?? '{}') as BackupAgentResult;
  const current = await batch.readNamespacedJob({ name: jobName, namespace: ns });
  return { condition, pod, terminated, result, job: current };
}

function podLog(pod: V1Pod): string {
  return readFileSync(bed().podLogFile(pod, 'agent'), 'utf8');
}

describe('backup Job built by backupJobSpec, run by the real Job controller', () => {
  beforeAll(async () => {
    const { kubeConfig } = bed();
    const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    // Through client-node's model, which knows the x-kubernetes-* fields in camelCase.
    const crd = loadYaml<V1CustomResourceDefinition>(JSON.stringify(etcdBackupCrd()));
    await extensions.createCustomResourceDefinition({ body: crd });
    await waitFor(
      async () => {
        const current = await extensions.readCustomResourceDefinition({
          name: crd.metadata!.name!,
        });
        return current.status?.conditions?.some(
          (c) => c.type === 'Established' && c.status === 'True',
        )
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the EtcdBackup CRD to be established' },
    );
    await fx.setUp();
  });

  it('completes, reports the snapshot in its termination message, and the snapshot is in S3 with a manifest', async () => {
    const backup = await fx.create('bed-nightly', {
      etcd: { endpoints: [bed().etcd.endpoint] },
      destination: fx.destination(),
      retention: { keepLast: 3 },
      backoffLimit: 0,
    });
    const { condition, pod, terminated, result, job } = await runJob(backup);
    expect(condition.type).toBe('Complete');
    expect(terminated?.exitCode).toBe(0);
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'EtcdBackup',
      uid: backup.metadata!.uid,
    });
    expect(result).toMatchObject({
      kind: 'BackupAgentResult',
      succeeded: true,
      reason: 'Succeeded',
      retention: { snapshots: 1, removed: 0 },
    });
    const key = result.snapshot!.key;
    expect(key).toMatch(/^bed-nightly\/\d{8}T\d{6}Z-r\d{20}\.db\.zst$/);
    expect(result.snapshot!.uri).toBe(`s3://${fx.bucket}/clusters/bed/${key}`);

    const { catalog } = await fx.stored('bed-nightly');
    expect(catalog.snapshots.map((s) => s.manifest.key)).toEqual([key]);
    expect(catalog.snapshots[0]!.manifest).toMatchObject({
      raw: { sha256: result.snapshot!.sha256, size: result.snapshot!.size },
      stored: { size: result.snapshot!.storedSize },
      revision: result.snapshot!.revision,
    });

    // One JSON log line carrying the same result, and no credential anywhere.
    const log = podLog(pod);
    const lines = log.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'backup succeeded',
      result: { snapshot: { key } },
    });
    for (const text of [log, terminated?.message ?? '', JSON.stringify(job)])
      expect(text).not.toContain(bed().s3.secretAccessKey);
  });

  it('fails with EtcdUnreachable, naming the endpoint, when etcd cannot be reached', async () => {
    const endpoint = 'http://127.0.0.1:1';
    const backup = await fx.create('bed-unreachable', {
      etcd: { endpoints: [endpoint], dialTimeout: '2s' },
      destination: fx.destination(),
      backoffLimit: 0,
    });
    const { condition, terminated, result } = await runJob(backup);
    expect(condition.type).toBe('Failed');
    expect(terminated?.exitCode).toBe(3);
    expect(result).toMatchObject({
      kind: 'BackupAgentResult',
      succeeded: false,
      reason: 'EtcdUnreachable',
    });
    expect(result.message).toContain('127.0.0.1:1');
    expect(result.snapshot).toBeUndefined();
  });
});
