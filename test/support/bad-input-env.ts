import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BackupFixture } from './backups.js';
import { enableRootPassword } from './etcd-auth.js';
import { installCrds } from './operator.js';
import { startEtcd, type EtcdServer } from './testbed/etcd.js';
import type { TestBed } from './testbed/testbed.js';
import { makeTlsFiles, type TlsFiles } from './testbed/tls.js';
import { createBucket, createS3User, startVersityGw, type S3Server } from './testbed/versitygw.js';

/**
 * What the bad-input e2e cases need beside the bed: the fixture's namespace,
 * bucket and credentials Secret on the bed's S3, a second etcd with mutual
 * TLS and a root password, a CA that did not sign it, and a second versitygw
 * with IAM holding a bucket of root's and a `user`-role account that may not
 * touch it.
 */
export interface BadInputEnvironment {
  /** The bed's S3 credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
  readonly s3Credentials: Readonly<Record<string, string>>;
  readonly tlsEtcd: EtcdServer;
  readonly tlsCa: TlsFiles;
  readonly otherCa: TlsFiles;
  /** Secret with username/password of tlsEtcd's root user. */
  readonly etcdAuthSecret: string;
  /** tls.crt/tls.key of tlsEtcd's client certificate, with `ca`'s ca.crt. */
  etcdTls(ca: TlsFiles): Record<string, string>;
  readonly iamS3: S3Server;
  readonly rootOnlyBucket: string;
  /** Secret with the credentials of iamS3's `user`-role account. */
  readonly userSecret: string;
  /** Every secret value in play, by label: none may appear in status, Events, Jobs or logs. */
  readonly secretValues: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startBadInputEnvironment(
  bed: TestBed,
  fx: BackupFixture,
): Promise<BadInputEnvironment> {
  const dir = path.join(bed.dir, 'bad-input');
  await installCrds(bed);
  await fx.setUp();
  const tlsCa = makeTlsFiles(path.join(dir, 'pki'), 'etcd-ca');
  const otherCa = makeTlsFiles(path.join(dir, 'other-pki'), 'other-ca');
  const [tlsEtcd, iamS3] = await Promise.all([
    startEtcd({ dir: path.join(dir, 'tls-etcd'), tls: tlsCa }),
    startVersityGw({ dir: path.join(dir, 'iam-s3'), iam: true }),
  ]);
  const stop = async () => {
    await Promise.all([tlsEtcd.stop(), iamS3.stop()]);
  };
  try {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    await enableRootPassword(tlsEtcd, tlsCa, password);
    const user = { accessKeyId: 'backup-user', secretAccessKey: randomBytes(18).toString('hex') };
    const rootOnlyBucket = 'root-only';
    await Promise.all([
      createBucket(iamS3, rootOnlyBucket),
      createS3User(iamS3, { ...user, role: 'user' }),
    ]);
    await Promise.all([
      fx.putSecret('user-creds', {
        AWS_ACCESS_KEY_ID: user.accessKeyId,
        AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      }),
      fx.putSecret('etcd-auth', { username: 'root', password }),
    ]);
    const clientKey = readFileSync(tlsCa.clientKeyFile, 'utf8');
    return {
      s3Credentials: fx.credentials(),
      tlsEtcd,
      tlsCa,
      otherCa,
      etcdAuthSecret: 'etcd-auth',
      etcdTls: (ca) => ({
        'ca.crt': readFileSync(ca.caFile, 'utf8'),
        'tls.crt': readFileSync(tlsCa.clientCertFile, 'utf8'),
        'tls.key': clientKey,
      }),
      iamS3,
      rootOnlyBucket,
      userSecret: 'user-creds',
      secretValues: {
        'bed S3 secret access key': bed.s3.secretAccessKey,
        'IAM user secret access key': user.secretAccessKey,
        'etcd root password': password,
        'etcd client private key': clientKey.split('\n')[1]!,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
