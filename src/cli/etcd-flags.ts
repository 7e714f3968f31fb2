import { readFileSync } from 'node:fs';
import { resolveContainerPath } from '../config/fs-root.js';
import { parseDuration } from '../domain/duration.js';
import type { EtcdConnection } from '../etcd/etcd-source.js';
import { UsageError, type CliIO } from './command.js';

/** Flags every command that talks to etcd accepts (etcdctl's names where they exist). */
export const etcdFlagSpec = {
  endpoints: { type: 'string' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  'dial-timeout': { type: 'string' },
  'stream-idle-timeout': { type: 'string' },
} as const;

export const etcdFlagUsage = `etcd connection:
  --endpoints URL[,URL]      client URLs; the first that answers is used (one member only)
  --cacert FILE              CA bundle for https endpoints
  --cert FILE --key FILE     client certificate and key
  --user NAME                etcd user; the password comes from $ETCD_SNAPSHOT_PASSWORD
                             or --password-file (never from the command line)
  --dial-timeout DURATION    default 10s
  --stream-idle-timeout DURATION  fail a stream silent this long; default 2m`;

export function readUserFile(file: string, flag: string, io: CliIO): Buffer {
  try {
    return readFileSync(resolveContainerPath(file, io.env));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --${flag} ${file} (${code ?? 'error'}): check the path`);
  }
}

function duration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
}

type EtcdValues = { [K in keyof typeof etcdFlagSpec]?: string };

export function etcdConnectionFromFlags(values: EtcdValues, io: CliIO): EtcdConnection {
  const endpoints = (values.endpoints ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (endpoints.length === 0)
    throw new UsageError(
      '--endpoints is required: the etcd client URL, e.g. https://10.0.0.1:2379',
    );
  for (const e of endpoints) {
    if (!/^https?:\/\/[^/]+\/?$/.test(e))
      throw new UsageError(`--endpoints: '${e}' is not a client URL like https://host:2379`);
  }
  if ((values.cert === undefined) !== (values.key === undefined))
    throw new UsageError('--cert and --key go together: give both or neither');
  let auth: EtcdConnection['auth'];
  if (values.user !== undefined) {
    const password =
      values['password-file'] !== undefined
        ? readUserFile(values['password-file'], 'password-file', io)
            .toString('utf8')
            .replace(/\r?\n$/, '')
        : io.env.ETCD_SNAPSHOT_PASSWORD;
    if (password === undefined)
      throw new UsageError(
        '--user needs a password: set $ETCD_SNAPSHOT_PASSWORD or --password-file',
      );
    auth = { username: values.user, password };
  }
  const tls =
    values.cacert !== undefined || values.cert !== undefined
      ? {
          ca: values.cacert !== undefined ? readUserFile(values.cacert, 'cacert', io) : undefined,
          cert: values.cert !== undefined ? readUserFile(values.cert, 'cert', io) : undefined,
          key: values.key !== undefined ? readUserFile(values.key, 'key', io) : undefined,
        }
      : undefined;
  return {
    endpoints,
    tls,
    auth,
    dialTimeoutMs: duration(values['dial-timeout'], 'dial-timeout'),
    streamIdleTimeoutMs: duration(values['stream-idle-timeout'], 'stream-idle-timeout'),
  };
}
