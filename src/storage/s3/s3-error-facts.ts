/** What the SDK or Node tells us about a failure, read defensively (errors come in many shapes). */
export interface ErrorFacts {
  /** S3 error code (`NoSuchBucket`) or JS error name (`TimeoutError`). */
  readonly name: string;
  /** Node system/TLS error code (`ECONNREFUSED`, `SELF_SIGNED_CERT_IN_CHAIN`). */
  readonly code?: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly message: string;
}

/**
 * The SDK's retry layer turns anything that fails its `instanceof Error` check
 * into `new Error("AWS SDK error wrapper for <name>[ [<code>]]: <message>")`, dropping the
 * code. That happens whenever the error comes from another JS realm, e.g. Node
 * core errors seen from code running in a `vm` context as under Jest. Node's
 * messages still say what happened, so the code is recovered from them.
 */
const SDK_WRAPPER = /^AWS SDK error wrapper for (\w+)(?: \[(\w+)\])?: ([\s\S]*)$/;
/** Node's system errors read `<syscall> <CODE> …`, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
const CODE_IN_MESSAGE = /\b(?:connect|getaddrinfo|read|write|send|recv)\s+(E[A-Z]+)\b/;
const TLS_MESSAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
];

export function codeFromMessage(message: string): string | undefined {
  const tls = TLS_MESSAGES.find(([pattern]) => pattern.test(message));
  return tls?.[1] ?? CODE_IN_MESSAGE.exec(message)?.[1];
}

function systemCode(err: Record<string, unknown>): string | undefined {
  if (typeof err.code === 'string') return err.code;
  const cause = err.cause as Record<string, unknown> | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  // Happy-eyeballs connects report an AggregateError of per-address failures.
  const first = Array.isArray(err.errors) ? (err.errors[0] as Record<string, unknown>) : undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

function wrappedFacts(message: string): ErrorFacts | undefined {
  const match = SDK_WRAPPER.exec(message);
  if (!match) return undefined;
  // `String(err)` of a Node error with a code reads `Error [ERR_X]: message`.
  const [, name = 'Error', bracketCode, inner = ''] = match;
  const code = bracketCode ?? codeFromMessage(inner);
  return { name, message: inner, ...(code === undefined ? {} : { code }) };
}

export function errorFacts(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err) };
  const e = err as Record<string, unknown>;
  const message = typeof e.message === 'string' ? e.message : '';
  const wrapped = wrappedFacts(message);
  if (wrapped) return wrapped;
  const metadata = e.$metadata as { httpStatusCode?: number; requestId?: string } | undefined;
  const name = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : 'Error';
  return {
    name,
    code: systemCode(e),
    status: metadata?.httpStatusCode,
    requestId: metadata?.requestId,
    message,
  };
}
