import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { freePort } from '../support/testbed/ports.js';
import { makeTlsFiles, type TlsFiles } from '../support/testbed/tls.js';
import { createBucket, startVersityGw, type S3Server } from '../support/testbed/versitygw.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-errors-'));
let s3: S3Server;
let plain: EtcdServer;
let secure: EtcdServer;
let tls: TlsFiles;
let otherCa: TlsFiles;
let env: Record<string, string>;
let dest: string;
const PASSWORD = 'pw-9f8e7d6c5b4a';

beforeAll(async () => {
  tls = makeTlsFiles(path.join(dir, 'pki'));
  otherCa = makeTlsFiles(path.join(dir, 'other-pki'), 'other-ca');
  [s3, plain, secure] = await Promise.all([
    startVersityGw({ dir: path.join(dir, 's3') }),
    startEtcd({ dir: path.join(dir, 'plain') }),
    startEtcd({ dir: path.join(dir, 'secure'), tls }),
  ]);
  await createBucket(s3, 'errors');
  env = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
  dest = `s3://errors/x?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;
  // Auth on the plain member: a root user with a password.
  const etcdctl = (...args: string[]) =>
    execFileSync(resolveBinary('etcdctl'), [`--endpoints=${plain.endpoint}`, ...args], {
      stdio: 'pipe',
    });
  etcdctl('user', 'add', `root:${PASSWORD}`);
  etcdctl('user', 'grant-role', 'root', 'root');
  etcdctl('auth', 'enable');
});

afterAll(async () => {
  await Promise.all([s3?.stop(), plain?.stop(), secure?.stop()]);
});

const save = (args: string[], extraEnv: Record<string, string> = {}) =>
  cli(['save', '--to', dest, '--name', 'errs', ...args], { ...env, ...extraEnv });

describe('etcd connection', () => {
  it('saves over mutual TLS with the CA, client certificate and key', async () => {
    const r = await save([
      '--endpoints',
      secure.endpoint,
      '--cacert',
      tls.caFile,
      '--cert',
      tls.clientCertFile,
      '--key',
      tls.clientKeyFile,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a CA that did not sign the server: exit 3, names the CA as the fix', async () => {
    const r = await save([
      '--endpoints',
      secure.endpoint,
      '--cacert',
      otherCa.caFile,
      '--cert',
      tls.clientCertFile,
      '--key',
      tls.clientKeyFile,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /TLS handshake with etcd at https:\/\/127\.0\.0\.1:\d+ failed: check the CA/,
    );
  });

  it('https without a CA: exit 3 before connecting', async () => {
    const r = await save(['--endpoints', secure.endpoint]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('uses https but no CA was given');
  });

  it('unreachable endpoint: exit 3, says to check the endpoint', async () => {
    const r = await save([
      '--endpoints',
      `http://127.0.0.1:${await freePort()}`,
      '--dial-timeout',
      '2s',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /cannot connect to etcd at http:\/\/127\.0\.0\.1:\d+|did not answer in time/,
    );
  });

  it('saves with a username and the password from the environment', async () => {
    const r = await save(['--endpoints', plain.endpoint, '--user', 'root'], {
      ETCD_SNAPSHOT_PASSWORD: PASSWORD,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a wrong password: exit 3, names the auth Secret, never prints the password', async () => {
    const r = await save(['--endpoints', plain.endpoint, '--user', 'root'], {
      ETCD_SNAPSHOT_PASSWORD: 'wrong-secret-value',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rejected the username or password');
    expect(r.stderr).not.toContain('wrong-secret-value');
  });

  it('--user without any password source: usage error (exit 2)', async () => {
    const r = await save(['--endpoints', plain.endpoint, '--user', 'root']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('$ETCD_SNAPSHOT_PASSWORD or --password-file');
  });
});

describe('storage', () => {
  const etcdArgs = () => ['--endpoints', plain.endpoint, '--user', 'root'];
  const auth = { ETCD_SNAPSHOT_PASSWORD: PASSWORD };

  it('a wrong secret key: exit 4, says the credentials are wrong, prints no secret', async () => {
    const r = await save(etcdArgs(), { ...auth, AWS_SECRET_ACCESS_KEY: 'definitely-wrong-secret' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/credential|access key|signature/i);
    expect(r.stderr).not.toContain('definitely-wrong-secret');
    expect(r.stderr).not.toContain(s3.secretAccessKey);
  });

  it('a missing bucket: exit 4, names the bucket', async () => {
    const r = await cli(
      [
        'save',
        '--to',
        dest.replace('s3://errors/', 's3://no-such-bucket/'),
        '--name',
        'errs',
        ...etcdArgs(),
      ],
      { ...env, ...auth },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no-such-bucket');
  });

  it('credentials in the URL are refused (exit 2)', async () => {
    const r = await cli(['list', '--from', `s3://AKIA:secretvalue@errors/x`]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('secretvalue');
  });
});

describe('usage', () => {
  it.each([
    [
      [
        'save',
        '--to',
        'file:///tmp/x',
        '--name',
        'n',
        '--endpoints',
        'http://127.0.0.1:1',
        '--compression',
        'lz4',
      ],
      /unknown compression 'lz4'/,
    ],
    [
      ['save', '--to', 'file:///tmp/x', '--name', 'Bad_Name', '--endpoints', 'http://127.0.0.1:1'],
      /--name is required: a DNS-1123 label/,
    ],
    [['prune', '--from', 'file:///tmp/x', '--name', 'n', '--max-age', 'forever'], /maxAge/],
    [['get', '--from', 'file:///tmp/x', '--name', 'n'], /-o\/--output is required/],
    [['save', '--bogus'], /Unknown option '--bogus'/],
  ])('%j exits 2 naming the problem', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
