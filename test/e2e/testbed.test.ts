import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BatchV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Etcd3 } from 'etcd3';
import { useTestBed } from '../support/bed-suite.js';
import { waitFor } from '../support/wait.js';
import { buildInfo } from '../../src/config/build-info.js';

const bed = useTestBed();
const ns = 'bed-proof';

function job(name: string, args: string[], extra: Partial<V1Job['spec']> = {}): V1Job {
  return {
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      ...extra,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: bed().operatorImage,
              command: ['etcd-snapshot'],
              args,
              env: [{ name: 'FLAG', valueFrom: { secretKeyRef: { name: 'flags', key: 'flag' } } }],
            },
          ],
        },
      },
    },
  };
}

async function jobCondition(name: string): Promise<{ type: string; reason?: string } | undefined> {
  const batch = bed().kubeConfig.makeApiClient(BatchV1Api);
  const current = await batch.readNamespacedJobStatus({ name, namespace: ns });
  return current.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

describe('test bed: real control plane, Job controller, S3 and etcd', () => {
  beforeAll(async () => {
    const core = bed().kubeConfig.makeApiClient(CoreV1Api);
    await bed().createNamespace(ns);
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'flags' }, stringData: { flag: '--version' } },
    });
  });

  it('serves kubectl through the generated kubeconfig, with a Ready node', () => {
    const out = execFileSync(
      bed().kubectl,
      ['--kubeconfig', bed().kubeconfigPath, 'get', 'nodes', '-o', 'json'],
      {
        encoding: 'utf8',
      },
    );
    const nodes = JSON.parse(out) as {
      items: Array<{
        metadata: { name: string };
        status: { conditions: Array<{ type: string; status: string }> };
      }>;
    };
    expect(nodes.items.map((n) => n.metadata.name)).toEqual([bed().nodeName]);
    expect(nodes.items[0]!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    const version = JSON.parse(
      execFileSync(bed().kubectl, ['--kubeconfig', bed().kubeconfigPath, 'version', '-o', 'json'], {
        encoding: 'utf8',
      }),
    ) as { serverVersion: { gitVersion: string; minor: string } };
    expect(Number(version.serverVersion.minor)).toBeGreaterThanOrEqual(34);
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('runs a Job of the operator image to Complete, with args from a Secret env var', async () => {
    const batch = bed().kubeConfig.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({ namespace: ns, body: job('version', ['$(FLAG)']) });
    const done = await waitFor(() => jobCondition('version'), {
      timeoutMs: 90_000,
      what: 'job version to finish',
    });
    expect(done.type).toBe('Complete');
    const core = bed().kubeConfig.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=version' });
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0]!;
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    const log = readFileSync(bed().podLogFile(pod, 'main'), 'utf8');
    expect(log).toContain(`etcd-snapshot ${buildInfo().version}`);
  });

  it('retries a failing Job up to backoffLimit and marks it Failed', async () => {
    const batch = bed().kubeConfig.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: ns,
      body: job('failing', ['no-such-command'], { backoffLimit: 2 }),
    });
    const done = await waitFor(() => jobCondition('failing'), {
      timeoutMs: 150_000,
      what: 'job failing to fail',
    });
    expect(done).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded' });
    const status = (await batch.readNamespacedJobStatus({ name: 'failing', namespace: ns })).status;
    expect(status?.failed).toBe(3);
    const core = bed().kubeConfig.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=failing' });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Failed');
      // The CLI's documented exit code for an unknown command.
      expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(2);
    }
  });

  it('fails a Pod whose image is not the operator image, with a clear message', async () => {
    const core = bed().kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'foreign' },
        spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] },
      },
    });
    const pod = await waitFor(
      async () => {
        const p = await core.readNamespacedPodStatus({ name: 'foreign', namespace: ns });
        return p.status?.phase === 'Failed' ? p : undefined;
      },
      { timeoutMs: 30_000, what: 'pod foreign to fail' },
    );
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.message ?? pod.status?.message).toMatch(/busybox:1\.36/);
  });

  it('puts, lists and gets an object on versitygw with the AWS SDK', async () => {
    const { s3 } = bed();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'proof' }));
      await client.send(
        new PutObjectCommand({ Bucket: 'proof', Key: 'a/b.txt', Body: 'hello bed' }),
      );
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'proof', Prefix: 'a/' }));
      expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([['a/b.txt', 9]]);
      const got = await client.send(new GetObjectCommand({ Bucket: 'proof', Key: 'a/b.txt' }));
      expect(await got.Body?.transformToString()).toBe('hello bed');
    } finally {
      client.destroy();
    }
  });

  it("streams a snapshot from the bed's etcd whose sha256 trailer matches its content", async () => {
    const client = new Etcd3({ hosts: bed().etcd.endpoint });
    try {
      await client.put('/bed-proof/key').value('value');
      const stream = await client.maintenance.snapshot();
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (res) => chunks.push(res.blob));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      const whole = Buffer.concat(chunks);
      expect(whole.length).toBeGreaterThan(32 * 1024);
      const body = whole.subarray(0, whole.length - 32);
      const trailer = whole.subarray(whole.length - 32);
      expect(createHash('sha256').update(body).digest('hex')).toBe(trailer.toString('hex'));
      // The database really holds the key just written (bbolt stores it uncompressed).
      expect(body.includes(Buffer.from('/bed-proof/key'))).toBe(true);
    } finally {
      client.close();
    }
  });
});
