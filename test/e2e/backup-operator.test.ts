import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  API_VERSION,
  GROUP,
  KINDS,
  PLURALS,
  VERSION,
  type EtcdBackup,
} from '../../src/api/v1alpha1/index.js';
import { readCatalog } from '../../src/snapshot/catalog.js';
import { openStore, parseStoreUrl } from '../../src/storage/index.js';
import { useTestBed } from '../support/bed-suite.js';
import { repoRoot } from '../support/testbed/binaries.js';
import { productEntrypoint } from '../support/testbed/entrypoint.js';
import { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';

const bed = useTestBed();
const ns = 'operator-e2e';
const bucket = 'operator-e2e';
let operator: ManagedProcess;

/**
 * kubectl, asynchronously: the bed's node agent runs in this process, so a
 * synchronous child (execFileSync of `kubectl wait`) would freeze it and no
 * Pod would be bound until the wait timed out.
 */
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    bed().kubectl,
    ['--kubeconfig', bed().kubeconfigPath, ...args],
    { encoding: 'utf8' },
  );
  return stdout;
}

async function createBackup(name: string, spec: EtcdBackup['spec']): Promise<void> {
  await bed()
    .kubeConfig.makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: PLURALS.backup,
      body: { apiVersion: API_VERSION, kind: KINDS.backup, metadata: { name }, spec },
    });
}

function destination() {
  const { s3 } = bed();
  return {
    s3: {
      bucket,
      prefix: 'bed/',
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentialsSecretRef: { name: 's3-creds' },
    },
  };
}

beforeAll(async () => {
  const { s3 } = bed();
  await kubectl('apply', '-f', path.join(repoRoot, 'crds'));
  await kubectl(
    'wait',
    '--for=condition=Established',
    'crd/etcdbackups.etcdsnapshot.dev',
    '--timeout=120s',
  );
  await bed().createNamespace(ns);
  await bed()
    .kubeConfig.makeApiClient(CoreV1Api)
    .createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 's3-creds' },
        stringData: {
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        },
      },
    });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const [node, ...cli] = productEntrypoint();
  operator = new ManagedProcess({
    name: 'operator',
    command: node!,
    args: [
      ...cli,
      'operator',
      '--kubeconfig',
      bed().kubeconfigPath,
      '--image',
      bed().operatorImage,
      '--health-port',
      String(await freePort()),
      '--leader-election-namespace',
      'default',
    ],
    logFile: path.join(bed().dir, 'operator.log'),
  });
});

afterAll(async () => {
  await operator?.stop();
});

it('runs a one-off EtcdBackup to LastBackupSucceeded, with the snapshot and manifest in S3', async () => {
  await createBackup('once', {
    etcd: { endpoints: [bed().etcd.endpoint] },
    destination: destination(),
  });
  await kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded',
    '-n',
    ns,
    'etcdbackup/once',
    '--timeout=120s',
  );
  const backup = JSON.parse(
    await kubectl('get', '-n', ns, 'etcdbackup/once', '-o', 'json'),
  ) as EtcdBackup;
  expect(backup.status?.lastSnapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
  const { s3 } = bed();
  const store = openStore(
    parseStoreUrl(`s3://${bucket}/bed/?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`),
    { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
  );
  try {
    const catalog = await readCatalog(store, 'once');
    expect(catalog.snapshots.map((s) => s.manifest.raw.sha256)).toEqual([
      backup.status?.lastSnapshot?.sha256,
    ]);
  } finally {
    await store.close();
  }
  expect(await kubectl('get', 'events', '-n', ns, '-o', 'json')).toContain('BackupSucceeded');
});

it('a broken etcd endpoint sets LastBackupSucceeded False with reason EtcdUnreachable', async () => {
  await createBackup('broken', {
    etcd: { endpoints: [`http://127.0.0.1:${await freePort()}`], dialTimeout: '2s' },
    destination: destination(),
    backoffLimit: 0,
  });
  await kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded=false',
    '-n',
    ns,
    'etcdbackup/broken',
    '--timeout=120s',
  );
  const backup = JSON.parse(
    await kubectl('get', '-n', ns, 'etcdbackup/broken', '-o', 'json'),
  ) as EtcdBackup;
  const condition = backup.status?.conditions?.find((c) => c.type === 'LastBackupSucceeded');
  expect(condition).toMatchObject({ status: 'False', reason: 'EtcdUnreachable' });
  expect(condition?.message).toMatch(/127\.0\.0\.1/);
});
