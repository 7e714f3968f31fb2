import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveBinary } from './binaries.js';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';

export interface S3Server {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The directory versitygw serves; each bucket is a sub-directory. */
  readonly root: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** versitygw, a real S3 gateway, serving a local directory with generated root credentials. */
export async function startVersityGw(options: {
  dir: string;
  /** Reuse credentials, e.g. when serving the same directory again after a crash. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * Run versitygw's internal IAM (users in `<dir>/iam`), so that non-root
   * accounts can be added with createS3User. Off by default: root only.
   */
  iam?: boolean;
}): Promise<S3Server> {
  const root = path.join(options.dir, 'buckets');
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  const accessKeyId = options.accessKeyId ?? `bed${randomBytes(8).toString('hex')}`;
  const secretAccessKey = options.secretAccessKey ?? randomBytes(24).toString('base64url');
  const region = 'us-east-1';
  const iamArgs = options.iam ? ['--iam-dir', path.join(options.dir, 'iam')] : [];
  if (options.iam) mkdirSync(path.join(options.dir, 'iam'), { recursive: true });
  const proc = new ManagedProcess({
    name: 'versitygw',
    command: resolveBinary('versitygw'),
    args: ['--port', `127.0.0.1:${port}`, '--region', region, ...iamArgs, 'posix', root],
    // Credentials through the environment, never argv (visible in `ps`).
    env: { ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
    logFile: path.join(options.dir, 'versitygw.log'),
  });
  await proc.waitUntil(() => tcpOpen(port), 30_000, 'listening');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accessKeyId,
    secretAccessKey,
    root,
    process: proc,
    stop: () => proc.stop(),
  };
}

/** Creates a bucket with the root credentials (what an admin would do before pointing a backup at it). */
export async function createBucket(s3: S3Server, bucket: string): Promise<void> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

/**
 * Adds an account through versitygw's admin API (the gateway must run with
 * `iam: true`). Role `user` may only use its own buckets: root's buckets answer
 * it with AccessDenied, a real permission failure rather than a wrong secret.
 */
export async function createS3User(
  s3: S3Server,
  user: { accessKeyId: string; secretAccessKey: string; role: 'user' | 'userplus' | 'admin' },
): Promise<void> {
  const args = ['admin', '--endpoint-url', s3.endpoint, 'create-user'];
  args.push('--access', user.accessKeyId, '--secret', user.secretAccessKey, '--role', user.role);
  await promisify(execFile)(resolveBinary('versitygw'), args, {
    // The admin's (root's) credentials through the environment, never argv.
    env: {
      ...process.env,
      ADMIN_ACCESS_KEY_ID: s3.accessKeyId,
      ADMIN_SECRET_ACCESS_KEY: s3.secretAccessKey,
    },
  });
}
