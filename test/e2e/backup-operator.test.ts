import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
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
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { createBucket } from '../support/testbed/versitygw.js';
import { bedKubectl, installCrds, startOperator } from '../support/operator.js';

const bed = useTestBed();
const ns = 'operator-e2e';
const bucket = 'operator-e2e';
let operator: ManagedProcess;

const kubectl = (...args: string[]) => bedKubectl(bed())(...args);

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
  await installCrds(bed());
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
  await createBucket(s3, bucket);
  operator = await startOperator(bed(), 'default');
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
