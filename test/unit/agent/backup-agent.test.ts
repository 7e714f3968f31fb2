import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runBackupAgent, type BackupAgentDeps } from '../../../src/agent/backup-agent.js';
import {
  AGENT_CONFIG_PATH,
  AGENT_ENV,
  TERMINATION_MESSAGE_PATH,
  type BackupAgentConfig,
  type BackupAgentResult,
} from '../../../src/api/agent/index.js';
import { agentCommand } from '../../../src/cli/commands/agent.js';
import { EtcdError } from '../../../src/etcd/errors.js';
import { readCatalog } from '../../../src/snapshot/catalog/catalog.js';
import { FsObjectStore, openStore, type StoreConfig } from '../../../src/storage/index.js';
import { DATABASE, FakeSource, RECIPIENT, sampleConfig } from './fixtures.js';

const SECRETS = {
  [AGENT_ENV.etcdUsername]: 'backup-user',
  [AGENT_ENV.etcdPassword]: 'etcd-pa55word-VALUE',
  [AGENT_ENV.awsAccessKeyId]: 'AKIAEXAMPLEVALUE',
  [AGENT_ENV.awsSecretAccessKey]: 'wJalrXUtnFEMI-SECRET-VALUE',
  [AGENT_ENV.awsSessionToken]: 'FwoGZXIvYXdzSESSION-VALUE',
};
const SECRET_VALUES = [
  SECRETS[AGENT_ENV.etcdPassword],
  SECRETS[AGENT_ENV.awsSecretAccessKey],
  SECRETS[AGENT_ENV.awsSessionToken],
];

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'agent-test-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes a file at a container path under the fake container root. */
function put(containerPath: string, data: string): void {
  const file = path.join(root, containerPath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

function fileConfig(overrides: Partial<BackupAgentConfig> = {}): BackupAgentConfig {
  return sampleConfig({
    store: { kind: 'file', directory: '/var/lib/etcd-snapshot/store/etcd' },
    ...overrides,
  });
}

function deps(source: FakeSource, extra: Partial<BackupAgentDeps> = {}): BackupAgentDeps {
  let clock = Date.parse('2026-03-01T06:00:00Z');
  return {
    env: { ETCD_SNAPSHOT_FS_ROOT: root, ...SECRETS },
    readFile: (file) => readFileSync(file),
    openSource: () => source,
    openStore: (config: StoreConfig, env) => openStore(config, env),
    now: () => new Date((clock += 60_000)),
    ...extra,
  };
}

async function run(
  config: BackupAgentConfig,
  source: FakeSource,
  extra: Partial<BackupAgentDeps> = {},
) {
  put(AGENT_CONFIG_PATH, JSON.stringify(config));
  put('/etc/etcd-snapshot/etcd-tls/ca.crt', '-----BEGIN CERTIFICATE-----\n');
  return runBackupAgent(AGENT_CONFIG_PATH, deps(source, extra));
}

const store = () => new FsObjectStore(path.join(root, 'var/lib/etcd-snapshot/store/etcd'));

describe('runBackupAgent', () => {
  it('saves a verified snapshot under the container root and reports it', async () => {
    const source = new FakeSource();
    const { result, config } = await run(fileConfig(), source);
    expect(result).toMatchObject({ succeeded: true, reason: 'Succeeded' });
    expect(config?.backup.name).toBe('nightly');
    const catalog = await readCatalog(store(), 'nightly');
    expect(catalog.snapshots.map((s) => s.manifest.key)).toEqual([result.snapshot!.key]);
    // The URI is in the container's terms, not the test bed's local path.
    expect(result.snapshot!.uri).toBe(
      `file:///var/lib/etcd-snapshot/store/etcd/${result.snapshot!.key}`,
    );
    expect(result.snapshot).toMatchObject({
      revision: '42',
      etcdVersion: '3.6.16',
      size: DATABASE.length + 32,
    });
    expect(source.closed).toBe(1);
  });

  it('applies retention only to its own backup after a save', async () => {
    const other = store();
    const config = fileConfig({ retention: { keepLast: 1 } });
    await run(fileConfig({ backup: { ...config.backup, name: 'other' } }), new FakeSource());
    await run(config, new FakeSource({ revision: '50' }));
    const { result } = await run(config, new FakeSource({ revision: '60' }));
    expect(result.retention).toEqual({
      snapshots: 1,
      totalStoredBytes: result.snapshot!.storedSize,
      removed: 1,
    });
    expect((await readCatalog(other, 'nightly')).snapshots).toHaveLength(1);
    expect((await readCatalog(other, 'other')).snapshots).toHaveLength(1);
  });

  it('still succeeds when retention fails, reporting the error', async () => {
    const failingList = (config: StoreConfig): FsObjectStore => {
      const s = openStore(config) as FsObjectStore;
      s.list = () => {
        throw new Error('listing is broken');
      };
      return s;
    };
    const { result } = await run(fileConfig({ retention: { keepLast: 1 } }), new FakeSource(), {
      openStore: failingList,
    });
    expect(result).toMatchObject({
      succeeded: true,
      retention: { snapshots: 0, removed: 0, error: 'listing is broken' },
    });
  });

  it('encrypts to inline and file recipients', async () => {
    put('/etc/etcd-snapshot/recipients/recipients.txt', `# team key\n${RECIPIENT}\n`);
    const { result } = await run(
      fileConfig({
        compression: 'gzip',
        encryption: {
          recipients: [RECIPIENT],
          recipientsFile: '/etc/etcd-snapshot/recipients/recipients.txt',
        },
      }),
      new FakeSource(),
    );
    expect(result.snapshot?.key).toMatch(/\.db\.gz\.age$/);
  });

  it.each([
    [
      'an etcd failure',
      { fail: new EtcdError('Unreachable', 'cannot connect to etcd at https://10.0.0.10:2379') },
      'EtcdUnreachable',
      /10\.0\.0\.10:2379/,
    ],
    ['a wrong trailer', { corruptTrailer: true }, 'ChecksumMismatch', /digest mismatch/],
  ] as const)('reports %s with its reason', async (_name, options, reason, message) => {
    const { result } = await run(fileConfig(), new FakeSource(options));
    expect(result).toMatchObject({
      succeeded: false,
      reason,
      message: expect.stringMatching(message),
    });
    expect((await readCatalog(store(), 'nightly')).snapshots).toHaveLength(0);
  });

  it('reports a missing TLS file as EtcdTlsError naming the path', async () => {
    const config = fileConfig({
      etcd: { ...fileConfig().etcd, tls: { caFile: '/etc/kubernetes/pki/etcd/ca.crt' } },
    });
    const { result } = await run(config, new FakeSource());
    expect(result).toMatchObject({ reason: 'EtcdTlsError' });
    expect(result.message).toMatch(/\/etc\/kubernetes\/pki\/etcd\/ca\.crt \(ENOENT\)/);
  });

  it('needs the auth env vars when auth is on', async () => {
    const config = fileConfig({ etcd: { ...fileConfig().etcd, auth: true } });
    const env = { ETCD_SNAPSHOT_FS_ROOT: root, [AGENT_ENV.etcdUsername]: 'u' };
    const { result } = await run(config, new FakeSource(), { env });
    expect(result).toMatchObject({ reason: 'InvalidConfig' });
    expect(result.message).toMatch(/ETCD_SNAPSHOT_PASSWORD is empty/);
  });

  it('reports an unreadable or invalid config as InvalidConfig', async () => {
    const missing = await runBackupAgent('/nowhere/config.json', deps(new FakeSource()));
    expect(missing.result).toMatchObject({ reason: 'InvalidConfig' });
    expect(missing.result.message).toMatch(
      /cannot read the agent config \/nowhere\/config.json \(ENOENT\)/,
    );
    expect(missing.config).toBeUndefined();
    const { result } = await run(
      { ...fileConfig(), compression: 'lz4' as 'zstd' },
      new FakeSource(),
    );
    expect(result).toMatchObject({
      reason: 'InvalidConfig',
      message: expect.stringMatching(/compression/),
    });
  });

  it('says it was stopped when SIGTERM aborted the run', async () => {
    const abort = new AbortController();
    abort.abort(new Error('SIGTERM'));
    const { result } = await run(fileConfig(), new FakeSource(), { signal: abort.signal });
    expect(result).toMatchObject({ succeeded: false });
    expect(result.message).toMatch(/stopped \(SIGTERM\)/);
  });

  it('never puts a secret value in the result, even when an error echoes one', async () => {
    const leaky = new Error(
      `auth failed for backup-user:${SECRETS[AGENT_ENV.etcdPassword]} key ${SECRETS[AGENT_ENV.awsSecretAccessKey]}`,
    );
    const { result } = await run(fileConfig(), new FakeSource({ fail: leaky }));
    const text = JSON.stringify(result);
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
  });
});

describe('etcd-snapshot agent backup', () => {
  function io(env: Record<string, string>) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const text = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? '';
    return { io: { stdout, stderr, env }, out: text(stdout), err: text(stderr) };
  }

  it('writes the result to the termination log, logs one JSON line, exits 2 on a bad config', async () => {
    put(AGENT_CONFIG_PATH, JSON.stringify({ ...fileConfig(), kind: 'Nope' }));
    put(TERMINATION_MESSAGE_PATH, '');
    const c = io({ ETCD_SNAPSHOT_FS_ROOT: root, ...SECRETS });
    expect(await agentCommand.run(['backup'], c.io)).toBe(2);
    const written = readFileSync(path.join(root, TERMINATION_MESSAGE_PATH), 'utf8');
    const result = JSON.parse(written) as BackupAgentResult;
    expect(result).toMatchObject({
      kind: 'BackupAgentResult',
      succeeded: false,
      reason: 'InvalidConfig',
    });
    expect(written).not.toContain('\n');
    const lines = c.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'backup failed', result });
    for (const secret of SECRET_VALUES) expect(lines[0]).not.toContain(secret);
    expect(c.err()).toBe('');
  });

  it('takes --config and --termination-log; a write failure is logged, not fatal', async () => {
    put('/custom/agent.json', '{');
    const c = io({ ETCD_SNAPSHOT_FS_ROOT: root });
    const code = await agentCommand.run(
      ['backup', '--config', '/custom/agent.json', '--termination-log', '/no/such/dir/log'],
      c.io,
    );
    expect(code).toBe(2);
    const lines = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['backup failed', 'cannot write the termination log']);
    expect(lines[0]).toMatchObject({ result: { message: expect.stringMatching(/not JSON/) } });
  });

  it('refuses an unknown task as a usage error', async () => {
    await expect(agentCommand.run(['frobnicate'], io({}).io)).rejects.toThrow(
      /use 'agent backup', 'agent delete' or 'agent restore'/,
    );
  });
});
