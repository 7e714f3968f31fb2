import { AgentConfigError } from '../../../src/api/agent/index.js';
import { parseBackupAgentConfig } from '../../../src/agent/config.js';
import { RECIPIENT, sampleConfig } from './fixtures.js';

describe('parseBackupAgentConfig', () => {
  it('accepts a valid config and parses its strings', () => {
    const v = parseBackupAgentConfig(
      JSON.stringify(
        sampleConfig({
          encryption: { recipients: [RECIPIENT] },
          retention: { keepLast: 3, maxAge: '7d', maxTotalSize: '1Gi' },
        }),
      ),
    );
    expect(v).toMatchObject({
      store: {
        kind: 's3',
        bucket: 'etcd-backups',
        prefix: 'clusters/prod/',
        region: 'eu-central-1',
      },
      dialTimeoutMs: 10_000,
      streamIdleTimeoutMs: 120_000,
      retention: { keepLast: 3, maxAgeMs: 7 * 86_400_000, maxTotalSizeBytes: 1024 ** 3 },
    });
    expect(v.config.backup.name).toBe('nightly');
  });

  it('has no retention policy when the config has none', () => {
    expect(parseBackupAgentConfig(JSON.stringify(sampleConfig()))).not.toHaveProperty('retention');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not an object', '[]', /must be a JSON object/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseBackupAgentConfig(text)).toThrow(AgentConfigError);
    expect(() => parseBackupAgentConfig(text)).toThrow(message);
  });

  it('lists every problem at once, naming the fields', () => {
    const bad = {
      ...sampleConfig(),
      kind: 'Other',
      backup: { namespace: 'ns', name: 'Not_A_Label', uid: '' },
      run: { job: 'j', scheduledTime: 'yesterday', trigger: 'cron' },
      etcd: {
        endpoints: ['ftp://x'],
        tls: { certFile: 'relative.crt' },
        auth: 'yes',
        dialTimeout: '0',
        streamIdleTimeout: 'soon',
      },
      store: { kind: 's3', bucket: 'bucket', prefix: '', endpoint: 'https://user:pw@minio:9000' },
      compression: 'lz4',
      encryption: { recipients: ['age1nope'] },
      retention: { keepLast: 0 },
    };
    let message = '';
    try {
      parseBackupAgentConfig(JSON.stringify(bad));
    } catch (err) {
      expect(err).toBeInstanceOf(AgentConfigError);
      message = (err as Error).message;
    }
    for (const field of [
      'kind',
      'backup.name',
      'backup.uid',
      'run.scheduledTime',
      'run.trigger',
      'etcd.endpoints[0]',
      'etcd.tls.certFile',
      'etcd.tls.certFile and etcd.tls.keyFile',
      'etcd.auth',
      'etcd.dialTimeout',
      'etcd.streamIdleTimeout',
      'store',
      'compression',
      'encryption.recipients',
      'retention',
    ])
      expect(message).toContain(field);
    // Credentials in the endpoint are refused without being echoed.
    expect(message).not.toContain('user:pw');
  });

  it('needs recipients when encryption is on', () => {
    const text = JSON.stringify(sampleConfig({ encryption: { recipients: [] } }));
    expect(() => parseBackupAgentConfig(text)).toThrow(
      /encryption needs recipients or a recipientsFile/,
    );
    const withFile = sampleConfig({
      encryption: {
        recipients: [],
        recipientsFile: '/etc/etcd-snapshot/recipients/recipients.txt',
      },
    });
    expect(parseBackupAgentConfig(JSON.stringify(withFile)).config.encryption).toBeDefined();
  });
});
