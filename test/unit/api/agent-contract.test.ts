import {
  BackupAgentConfig,
  readAgentConfig,
  readBackupResult,
  RestoreAgentConfig,
} from '../../../src/api/agent/index.js';
import { sampleConfig } from '../agent/fixtures.js';

describe('readBackupResult', () => {
  it.each([
    ['empty', ''],
    ['not JSON', 'panic: runtime error'],
    ['truncated', '{"kind":"BackupAgentResult","succ'],
    ['wrong kind', '{"kind":"Other","succeeded":true,"reason":"Succeeded","message":""}'],
    [
      'reason not CamelCase',
      '{"kind":"BackupAgentResult","succeeded":false,"reason":"no way","message":""}',
    ],
    [
      'bad snapshot',
      '{"kind":"BackupAgentResult","succeeded":true,"reason":"Succeeded","message":"","snapshot":{"key":1}}',
    ],
  ])('%s is undefined', (_name, message) => {
    expect(readBackupResult(message)).toBeUndefined();
  });
});

describe('readAgentConfig: the schemas of the agent contract', () => {
  it('reads a config the Job builder writes', () => {
    expect(readAgentConfig(BackupAgentConfig, JSON.stringify(sampleConfig()))).toEqual(
      sampleConfig(),
    );
  });

  it('names every field that is wrong, in the words of the docs', () => {
    const bad = { ...sampleConfig(), compression: 'lz4', run: { job: '', trigger: 'cron' } };
    let message = '';
    try {
      readAgentConfig(BackupAgentConfig, JSON.stringify(bad));
    } catch (err) {
      message = (err as Error).message;
    }
    for (const problem of [
      'run.job must be a non-empty string',
      'run.scheduledTime must be an RFC 3339 time',
      'run.trigger must be one of schedule, run-now, once',
      'compression must be one of zstd, gzip, none',
    ])
      expect(message).toContain(problem);
  });

  it('checks a restore config against its own schema', () => {
    const restore = {
      apiVersion: 'etcdsnapshot.dev/v1alpha1',
      kind: 'RestoreAgentConfig',
      restore: { namespace: 'ns', name: 'r', uid: 'u' },
      job: 'r-m0',
      mode: 'DataDir',
      dryRun: false,
      source: { destination: 'file:///store', key: 'b/x.db' },
      workDir: 'tmp',
      dataDir: {
        member: { name: 'm0', peerURL: 'https://10.0.0.1:2380' },
        dataDir: '/var/lib/etcd-snapshot/member/etcd',
        swap: 'sideways',
        initialCluster: 'm0=https://10.0.0.1:2380',
        initialClusterToken: 't',
        bumpRevision: -1,
        markCompacted: true,
        stamp: '2026-03-01',
      },
    };
    expect(() => readAgentConfig(RestoreAgentConfig, JSON.stringify(restore))).toThrow(
      /workDir must be an absolute path; dataDir\.swap must be one of directory, member; dataDir\.bumpRevision must be a whole number, 0 or more; dataDir\.stamp must be a UTC time like 20260301T120000Z/,
    );
  });
});
