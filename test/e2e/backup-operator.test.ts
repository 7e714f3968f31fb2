import { useTestBed } from '../support/bed-suite.js';
import { BackupFixture } from '../support/backups.js';
import { installCrds, startOperator } from '../support/operator.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';

const bed = useTestBed();
const fx = new BackupFixture(bed, 'operator-e2e', 'operator-e2e');
let operator: ManagedProcess;

beforeAll(async () => {
  await installCrds(bed());
  await fx.setUp();
  operator = await startOperator(bed(), 'default');
});

afterAll(async () => {
  await operator?.stop();
});

it('runs a one-off EtcdBackup to LastBackupSucceeded, with the snapshot and manifest in S3', async () => {
  await fx.create('once', {
    etcd: { endpoints: [bed().etcd.endpoint] },
    destination: fx.destination(),
  });
  await fx.kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded',
    '-n',
    fx.namespace,
    'etcdbackup/once',
    '--timeout=120s',
  );
  const backup = await fx.get('once');
  expect(backup.status?.lastSnapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
  const { catalog } = await fx.stored('once');
  expect(catalog.snapshots.map((s) => s.manifest.raw.sha256)).toEqual([
    backup.status?.lastSnapshot?.sha256,
  ]);
  expect(await fx.eventLines('once')).toEqual(
    expect.arrayContaining([expect.stringMatching(/^Normal\/BackupSucceeded: /)]),
  );
});

it('a broken etcd endpoint sets LastBackupSucceeded False with reason EtcdUnreachable', async () => {
  await fx.create('broken', {
    etcd: { endpoints: [`http://127.0.0.1:${await freePort()}`], dialTimeout: '2s' },
    destination: fx.destination(),
    backoffLimit: 0,
  });
  await fx.kubectl(
    'wait',
    '--for=condition=LastBackupSucceeded=false',
    '-n',
    fx.namespace,
    'etcdbackup/broken',
    '--timeout=120s',
  );
  const backup = await fx.get('broken');
  const condition = backup.status?.conditions?.find((c) => c.type === 'LastBackupSucceeded');
  expect(condition).toMatchObject({ status: 'False', reason: 'EtcdUnreachable' });
  expect(condition?.message).toMatch(/127\.0\.0\.1/);
});
