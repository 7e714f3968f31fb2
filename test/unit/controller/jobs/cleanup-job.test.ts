import { cleanupJobSpec } from '../../../../src/controller/jobs/cleanup-job.js';
import { backupJobSpec } from '../../../../src/controller/jobs/backup-job.js';
import { fullBackup } from '../../../support/samples.js';

describe('cleanupJobSpec', () => {
  const backup = {
    ...fullBackup,
    metadata: { ...fullBackup.metadata, uid: '0f9b1c1e-0000-4000-8000-000000000001' },
  };
  const input = {
    backup,
    jobName: 'prod-delete',
    image: 'example/img:1',
    configMapName: 'prod-delete',
  };

  it('runs `agent delete` with the same config, placement and credentials as a backup run', () => {
    const cleanup = cleanupJobSpec(input);
    const run = backupJobSpec({ ...input, scheduledTime: new Date(0), trigger: 'once' });
    const container = cleanup.job.spec!.template.spec!.containers[0]!;
    expect(container.args).toEqual([
      'agent',
      'delete',
      '--config',
      '/etc/etcd-snapshot/config.json',
    ]);
    const runContainer = run.job.spec!.template.spec!.containers[0]!;
    expect(container.env).toEqual(runContainer.env);
    expect(container.volumeMounts).toEqual(runContainer.volumeMounts);
    expect(cleanup.job.spec!.template.spec!.volumes).toEqual(run.job.spec!.template.spec!.volumes);
    expect(cleanup.job.metadata!.name).toBe('prod-delete');
    expect(cleanup.configMap).toEqual(run.configMap);
  });

  it('does not change the backup Job it is built from', () => {
    const before = JSON.stringify(
      backupJobSpec({ ...input, scheduledTime: new Date(0), trigger: 'once' }),
    );
    cleanupJobSpec(input);
    expect(
      JSON.stringify(backupJobSpec({ ...input, scheduledTime: new Date(0), trigger: 'once' })),
    ).toBe(before);
  });
});
