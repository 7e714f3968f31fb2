import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  GROUP,
  PLURALS,
  VERSION,
  type EtcdBackup,
  type EtcdRestore,
} from '../../src/api/v1alpha1/index.js';
import { suiteFailed } from '../support/bed-suite.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { startApiServer, type ApiServer } from '../support/testbed/kube.js';
import {
  dataDirRestore,
  fullBackup,
  minimalBackup,
  minimalLogicalRestore,
} from '../support/samples.js';

const run = promisify(execFile);
const NAMESPACE = 'default';
const dir = mkdtempSync(path.join(os.tmpdir(), 'crds-'));
let etcd: EtcdServer | undefined;
let apiServer: ApiServer | undefined;
let objects: CustomObjectsApi;

beforeAll(async () => {
  etcd = await startEtcd({ dir: path.join(dir, 'etcd') });
  apiServer = await startApiServer({ dir: path.join(dir, 'kube'), etcdEndpoint: etcd.endpoint });
  const config = new KubeConfig();
  config.loadFromFile(apiServer.kubeconfigPath);
  const extensions = config.makeApiClient(ApiextensionsV1Api);
  objects = config.makeApiClient(CustomObjectsApi);
  for (const file of ['etcdsnapshot.dev_etcdbackups.yaml', 'etcdsnapshot.dev_etcdrestores.yaml']) {
    // Through client-node's model: its serializer keeps only keys it knows in camelCase
    // (xKubernetesValidations), so the raw parsed YAML would lose every x-kubernetes-* field.
    const parsed: unknown = parse(readFileSync(path.join('crds', file), 'utf8'));
    const body = loadYaml<V1CustomResourceDefinition>(JSON.stringify(parsed));
    await extensions.createCustomResourceDefinition({ body });
    await waitFor(`${body.metadata!.name} Established`, async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: body.metadata!.name! });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ??
        false
      );
    });
  }
}, 180_000);

afterAll(async () => {
  if (suiteFailed() && apiServer) {
    const log = readFileSync(path.join(dir, 'kube', 'kube-apiserver.log'), 'utf8');
    const notable = log.split('\n').filter((line) => /^[EW]\d{4} /.test(line));
    process.stderr.write(`kube-apiserver warnings and errors:\n${notable.slice(-40).join('\n')}\n`);
  }
  await apiServer?.stop();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type Kind = 'backup' | 'restore';
const create = async <T extends EtcdBackup | EtcdRestore>(kind: Kind, body: T): Promise<T> =>
  (await objects.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: PLURALS[kind],
    body,
  })) as T;

/** The apiserver's rejection message, or a failure when the object was accepted. */
async function rejection(kind: Kind, body: EtcdBackup | EtcdRestore): Promise<string> {
  try {
    await create(kind, body);
  } catch (error) {
    return statusMessage(error);
  }
  throw new Error(`${kind} ${body.metadata?.name} was accepted`);
}

/** The message of a 422 Status from an ApiException. */
function statusMessage(error: unknown): string {
  const { code, body } = error as { code?: number; body?: string };
  expect(code).toBe(422);
  return (JSON.parse(String(body)) as { message: string }).message;
}

function kubectl(...args: string[]) {
  return run(resolveBinary('kubectl'), [...args, `--kubeconfig=${apiServer!.kubeconfigPath}`]);
}

let serial = 0;
const backup = (change: (b: EtcdBackup) => void): EtcdBackup => {
  const b = minimalBackup(`backup-${serial++}`);
  change(b);
  return b;
};

describe('EtcdBackup', () => {
  it('accepts a minimal object and applies the schema defaults', async () => {
    const created = await create('backup', minimalBackup('minimal'));
    expect(created.spec).toMatchObject({
      suspend: false,
      concurrencyPolicy: 'Forbid',
      compression: 'zstd',
      snapshotTimeout: '1h',
      backoffLimit: 2,
      successfulRunsHistoryLimit: 3,
      failedRunsHistoryLimit: 1,
      deletionPolicy: 'Retain',
      etcd: {
        dialTimeout: '10s',
        streamIdleTimeout: '2m',
        tlsSecretRef: {
          name: 'etcd-client',
          caKey: 'ca.crt',
          certKey: 'tls.crt',
          keyKey: 'tls.key',
        },
      },
    });
    expect(created.spec.staleAfter).toBeUndefined();
  });

  it('accepts every field (the typed sample) and defaults nested references', async () => {
    const created = await create('backup', { ...fullBackup, metadata: { name: 'full' } });
    expect(created.spec.destination.s3?.credentialsSecretRef).toEqual({
      name: 's3-creds',
      accessKeyIdKey: 'AWS_ACCESS_KEY_ID',
      secretAccessKeyKey: 'AWS_SECRET_ACCESS_KEY',
      sessionTokenKey: 'AWS_SESSION_TOKEN',
    });
    expect(created.spec.destination.s3?.caBundleConfigMapRef).toEqual({
      name: 'corp-ca',
      key: 'ca.crt',
    });
    expect(created.spec.etcd.authSecretRef).toEqual({
      name: 'etcd-auth',
      usernameKey: 'username',
      passwordKey: 'password',
    });
  });

  it.each<[string, (b: EtcdBackup) => void, string]>([
    [
      'both s3 and volume',
      (b) => (b.spec.destination.volume = { persistentVolumeClaim: { claimName: 'pvc' } }),
      'destination takes s3 or volume, not both',
    ],
    ['neither s3 nor volume', (b) => (b.spec.destination = {}), 'destination needs s3 or volume'],
    [
      'a volume with two sources',
      (b) =>
        (b.spec.destination = {
          volume: { persistentVolumeClaim: { claimName: 'pvc' }, hostPath: { path: '/backups' } },
        }),
      'volume needs exactly one source',
    ],
    [
      'a volume with no source',
      (b) => (b.spec.destination = { volume: { subPath: 'x' } }),
      'volume needs exactly one source',
    ],
    [
      'kmsKeyId without sse aws:kms',
      (b) =>
        (b.spec.destination = { s3: { bucket: 'etcd-backups', sse: 'AES256', kmsKeyId: 'key' } }),
      'kmsKeyId needs sse: aws:kms',
    ],
    [
      'two CA bundle sources',
      (b) =>
        (b.spec.destination = {
          s3: {
            bucket: 'etcd-backups',
            caBundleSecretRef: { name: 'a' },
            caBundleConfigMapRef: { name: 'b' },
          },
        }),
      'set caBundleSecretRef or caBundleConfigMapRef, not both',
    ],
    [
      'encryption without recipients',
      (b) => (b.spec.encryption = {}),
      'encryption needs recipients',
    ],
    [
      'recipientsFrom with two sources',
      (b) =>
        (b.spec.encryption = {
          recipientsFrom: { secretKeyRef: { name: 'a' }, configMapKeyRef: { name: 'b' } },
        }),
      'recipientsFrom needs exactly one of secretKeyRef or configMapKeyRef',
    ],
    [
      'tlsSecretRef and tlsFiles',
      (b) => (b.spec.etcd.tlsFiles = { caFile: '/ca', certFile: '/crt', keyFile: '/key' }),
      'set tlsSecretRef or tlsFiles, not both',
    ],
    [
      'a name with dots',
      (b) => (b.metadata = { name: 'prod.nightly' }),
      'use at most 52 lower-case letters, digits and "-"',
    ],
    [
      'timeZone without schedule',
      (b) => (b.spec.timeZone = 'UTC'),
      'timeZone applies to a schedule',
    ],
  ])('rejects %s with the CEL message', async (_name, change, message) => {
    expect(await rejection('backup', backup(change))).toContain(message);
  });

  it.each<[string, (b: EtcdBackup) => void, string]>([
    ['an empty schedule', (b) => (b.spec.schedule = ''), 'spec.schedule'],
    ['a four-field schedule', (b) => (b.spec.schedule = '0 * * *'), 'spec.schedule'],
    ['no endpoints', (b) => (b.spec.etcd.endpoints = []), 'spec.etcd.endpoints'],
    [
      'an endpoint without scheme',
      (b) => (b.spec.etcd.endpoints = ['10.0.0.1:2379']),
      'spec.etcd.endpoints[0]',
    ],
    ['a bad duration', (b) => (b.spec.snapshotTimeout = '30m2h'), 'spec.snapshotTimeout'],
    ['a zero keepLast', (b) => (b.spec.retention = { keepLast: 0 }), 'spec.retention.keepLast'],
    [
      'a milli size',
      (b) => (b.spec.retention = { maxTotalSize: '500m' }),
      'spec.retention.maxTotalSize',
    ],
    [
      'an unknown compression',
      (b) => ((b.spec as { compression: string }).compression = 'lz4'),
      'spec.compression',
    ],
  ])('rejects %s by pattern or enum', async (_name, change, field) => {
    expect(await rejection('backup', backup(change))).toContain(field);
  });

  it('accepts cron macros, quantities as numbers and every duration form', async () => {
    const b = backup((x) => {
      x.spec.schedule = '@daily';
      x.spec.retention = { maxTotalSize: 1073741824, maxAge: '1w2d' };
      x.spec.staleAfter = '1h30m';
    });
    await expect(create('backup', b)).resolves.toBeDefined();
  });

  it('shows the printer columns, with status values', async () => {
    const name = 'columns';
    const created = await create('backup', {
      ...minimalBackup(name),
      spec: { ...minimalBackup().spec, schedule: '@hourly' },
    });
    await objects.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: PLURALS.backup,
      name,
      body: {
        ...created,
        status: {
          lastSuccessfulTime: new Date().toISOString(),
          lastSnapshot: {
            uri: 's3://b/columns/x',
            key: 'columns/x',
            storedSizeHuman: '1.5 GiB',
            revision: '12345',
          },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: '',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      },
    });
    const { stdout } = await kubectl('get', 'ebk', name, '-n', NAMESPACE);
    const [header, row] = stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'SCHEDULE',
      'SUSPENDED',
      'LAST SUCCESS',
      'SIZE',
      'REVISION',
      'READY',
      'AGE',
    ]);
    expect(row!.split(/\s{2,}/).slice(0, 7)).toEqual([
      name,
      '@hourly',
      'false',
      expect.stringMatching(/^\d+s$/),
      '1.5 GiB',
      '12345',
      'True',
    ]);
  });

  it('is documented for kubectl explain', async () => {
    let out = '';
    await waitFor('OpenAPI v3 for the CRD', async () => {
      out = (await kubectl('explain', 'etcdbackup.spec.destination.s3')).stdout;
      return true;
    });
    expect(out).toContain('An S3 or S3-compatible bucket');
    expect(out).toContain('kmsKeyId');
    expect(out).toContain('Leave unset to use ambient credentials');
    const { stdout } = await kubectl('explain', 'etcdbackup.spec.etcd.tlsSecretRef.caKey');
    expect(stdout).toContain('Key holding the PEM CA bundle');
  });
});

describe('EtcdRestore', () => {
  const restore = (change: (r: EtcdRestore) => void): EtcdRestore => {
    const r = minimalLogicalRestore(`restore-${serial++}`);
    change(r);
    return r;
  };

  it('accepts a logical restore and a data-dir restore, with defaults', async () => {
    const logical = await create('restore', minimalLogicalRestore('logical'));
    expect(logical.spec).toMatchObject({
      dryRun: false,
      restoreTimeout: '1h',
      source: { backupRef: { name: 'nightly', snapshot: 'latest' } },
      logical: { prefix: '', overwrite: false, etcd: { dialTimeout: '10s' } },
    });
    const dataDir = await create('restore', { ...dataDirRestore, metadata: { name: 'datadir' } });
    expect(dataDir.spec.source.decryptionSecretRef).toEqual({
      name: 'age-identity',
      key: 'identity.txt',
    });
    expect(dataDir.spec.source.destination?.volume?.hostPath?.type).toBe('DirectoryOrCreate');
  });

  it.each<[string, (r: EtcdRestore) => void, string]>([
    ['Logical without logical', (r) => delete r.spec.logical, 'mode Logical needs logical'],
    [
      'DataDir without dataDir',
      (r) => {
        r.spec.mode = 'DataDir';
        delete r.spec.logical;
      },
      'mode DataDir needs dataDir',
    ],
    [
      'logical with mode DataDir',
      (r) => (r.spec.mode = 'DataDir'),
      'logical is only used with mode Logical',
    ],
    [
      'both backupRef and destination',
      (r) => {
        r.spec.source.destination = { s3: { bucket: 'etcd-backups' } };
        r.spec.source.key = 'a/b.db';
      },
      'source needs exactly one of backupRef or destination',
    ],
    [
      'destination without key',
      (r) => (r.spec.source = { destination: { s3: { bucket: 'etcd-backups' } } }),
      'source.destination and source.key go together',
    ],
    [
      'latestBefore with a fixed snapshot',
      (r) =>
        (r.spec.source.backupRef = {
          name: 'x',
          snapshot: 'x/a.db',
          latestBefore: '2026-01-01T00:00:00Z',
        }),
      'set snapshot to latest or remove latestBefore',
    ],
    [
      'a hostPath member without nodeName',
      (r) => {
        r.spec.mode = 'DataDir';
        delete r.spec.logical;
        r.spec.dataDir = {
          members: [
            { name: 'm', peerURL: 'http://10.0.0.1:2380', hostPath: { path: '/var/lib/etcd' } },
          ],
        };
      },
      'a hostPath member needs nodeName',
    ],
    [
      'markCompacted without bumpRevision',
      (r) => {
        r.spec.mode = 'DataDir';
        delete r.spec.logical;
        r.spec.dataDir = {
          members: [
            {
              name: 'm',
              peerURL: 'http://10.0.0.1:2380',
              persistentVolumeClaim: { claimName: 'c' },
            },
          ],
          bumpRevision: 0,
        };
      },
      'markCompacted needs bumpRevision > 0',
    ],
  ])('rejects %s with the CEL message', async (_name, change, message) => {
    expect(await rejection('restore', restore(change))).toContain(message);
  });

  it('refuses spec changes after creation', async () => {
    const created = await create('restore', minimalLogicalRestore('immutable'));
    const changed = { ...created, spec: { ...created.spec, dryRun: true } };
    const replaced = objects.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: PLURALS.restore,
      name: 'immutable',
      body: changed,
    });
    const message = await replaced.then(
      () => 'accepted',
      (error: unknown) => statusMessage(error),
    );
    expect(message).toContain('spec is immutable: delete this EtcdRestore and create a new one');
  });

  it('shows the printer columns', async () => {
    const { stdout } = await kubectl('get', 'etcdrestore', 'logical', '-n', NAMESPACE);
    const [header, row] = stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual([
      'NAME',
      'PHASE',
      'MODE',
      'SOURCE',
      'REVISION',
      'PROGRESS',
      'AGE',
    ]);
    expect(row).toContain('Logical');
    expect(row).toContain('nightly');
  });
});

describe('docs/samples', () => {
  const samples = readdirSync('docs/samples').filter((f) => f.endsWith('.yaml'));

  it.each(samples)('%s is accepted by the CRDs as written', async (file) => {
    const parsed = parse(readFileSync(path.join('docs/samples', file), 'utf8')) as {
      kind: string;
      metadata: { namespace?: string };
    };
    const kind: Kind = parsed.kind === 'EtcdBackup' ? 'backup' : 'restore';
    // The samples name their own namespaces; create them here under the test namespace.
    const body = { ...parsed, metadata: { ...parsed.metadata, namespace: NAMESPACE } };
    const created = await create(kind, body as unknown as EtcdBackup);
    expect(created.metadata?.uid).toBeDefined();
  });
});
