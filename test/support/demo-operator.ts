import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { ManagedProcess } from './testbed/managed-process.js';
import { bedKubectl, installCrds, startOperator } from './operator.js';
import type { TestBed } from './testbed/testbed.js';
import { createBucket } from './testbed/versitygw.js';

export const DEMO_NAMESPACE = 'etcd-backups';
export const DEMO_BACKUP = 'bed-etcd';
export const DEMO_BUCKET = 'etcd-snapshots';

export interface DemoOperator {
  readonly operator: ManagedProcess;
  readonly identityFile: string;
  readonly destination: string;
  readonly s3Env: Record<string, string>;
  kubectl(...args: string[]): Promise<string>;
}

/**
 * Installs the CRDs, starts `etcd-snapshot operator` against the bed and
 * applies an EtcdBackup of the bed's own etcd: every minute, to versitygw,
 * zstd + age, keep the last 3. Asynchronous throughout: the node agent runs
 * in this process and must keep running while we wait.
 */
export async function startDemoOperator(bed: TestBed): Promise<DemoOperator> {
  const kubectl = bedKubectl(bed);
  await installCrds(bed);
  const { s3 } = bed;
  const s3Env = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
  await createBucket(s3, DEMO_BUCKET);
  const identity = await generateIdentity();
  const identityFile = path.join(bed.dir, 'age-identity.txt');
  writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 });
  await bed.createNamespace(DEMO_NAMESPACE);
  await kubectl(
    'create',
    'secret',
    'generic',
    's3-creds',
    '-n',
    DEMO_NAMESPACE,
    `--from-literal=AWS_ACCESS_KEY_ID=${s3.accessKeyId}`,
    `--from-literal=AWS_SECRET_ACCESS_KEY=${s3.secretAccessKey}`,
  );
  const operator = await startOperator(bed, DEMO_NAMESPACE);
  const manifest = {
    apiVersion: 'etcdsnapshot.dev/v1alpha1',
    kind: 'EtcdBackup',
    metadata: { name: DEMO_BACKUP, namespace: DEMO_NAMESPACE },
    spec: {
      etcd: { endpoints: [bed.etcd.endpoint] },
      schedule: '* * * * *',
      destination: {
        s3: {
          bucket: DEMO_BUCKET,
          prefix: 'demo/',
          endpoint: s3.endpoint,
          region: s3.region,
          forcePathStyle: true,
          credentialsSecretRef: { name: 's3-creds' },
        },
      },
      compression: 'zstd',
      encryption: { recipients: [await identityToRecipient(identity)] },
      retention: { keepLast: 3 },
    },
  };
  const manifestFile = path.join(bed.dir, 'etcdbackup.json');
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  await kubectl('apply', '-f', manifestFile);
  const destination = `s3://${DEMO_BUCKET}/demo/?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;
  return { operator, identityFile, destination, s3Env, kubectl };
}
