import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';

/**
 * Schema pieces both agent contracts share. These are plain TypeBox types
 * checked with `Value` (unions, patterns), not CRD schemas; a custom
 * `errorMessage` says what a value must be, in the words the docs use.
 */

export const AGENT_API_VERSION = 'etcdsnapshot.dev/v1alpha1';

/** A CamelCase condition reason: anything else would make the status write fail. */
const REASON_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,127}$';
const CLIENT_URL_PATTERN = '^https?://[^\\s/?#@]+/?$';
/** RFC 3339 as JavaScript writes it; the reader parses it again. */
export const TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}';

export const text = (errorMessage = 'must be a non-empty string') =>
  Type.String({ minLength: 1, errorMessage });
export const absolutePath = () =>
  Type.String({ pattern: '^/', errorMessage: 'must be an absolute path' });
export const count = () =>
  Type.Integer({ minimum: 0, errorMessage: 'must be a whole number, 0 or more' });
export const time = () =>
  Type.String({ pattern: TIME_PATTERN, errorMessage: 'must be an RFC 3339 time' });
export const clientUrl = (example: string) =>
  Type.String({ pattern: CLIENT_URL_PATTERN, errorMessage: `must be a URL like ${example}` });
export const reason = () => Type.String({ pattern: REASON_PATTERN });
export function oneOf<const T extends readonly string[]>(values: T) {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { errorMessage: `must be one of ${values.join(', ')}` },
  ) as TUnion<Array<TLiteral<T[number]>>>;
}

/** The object a config or result belongs to. */
export const OwnerRef = Type.Object({ namespace: text(), name: text(), uid: text() });

/** An etcd connection as the agent gets it: files at container paths, secrets from AGENT_ENV. */
export const EtcdConnectionConfig = Type.Object({
  endpoints: Type.Array(clientUrl('https://10.0.0.10:2379'), {
    minItems: 1,
    errorMessage: 'must list at least one client URL',
  }),
  /** Container paths of PEM files (from the mounted TLS Secret or a jobTemplate hostPath). */
  tls: Type.Optional(
    Type.Object({
      caFile: Type.Optional(absolutePath()),
      certFile: Type.Optional(absolutePath()),
      keyFile: Type.Optional(absolutePath()),
    }),
  ),
  /** Present when an auth Secret is set: username and password come from AGENT_ENV. */
  auth: Type.Optional(Type.Boolean({ errorMessage: 'must be true or false' })),
  dialTimeout: text('must be a duration such as 10s'),
  streamIdleTimeout: text('must be a duration such as 2m'),
});

/** The frame every agent result shares. */
export const ResultFrame = {
  succeeded: Type.Boolean(),
  reason: reason(),
  /** Human, names the fix, never a secret; truncated to fit the termination message. */
  message: Type.String(),
};
