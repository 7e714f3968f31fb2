/**
 * Defence in depth for text that did not come from us (server messages, SDK
 * errors): whatever an endpoint echoes back, credentials never reach a
 * condition message or a log line.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Presigned URL and SigV4 query parameters.
  /(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"'<]+/gi,
  // Authorization header values and their parts.
  /(Authorization:\s*)[^\r\n]+/gi,
  /(Signature=)[0-9a-f]{16,}/gi,
  /(Credential=)[^,\s]+/gi,
  // Userinfo in URLs: scheme://user:password@host
  /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi,
];

const MIN_SECRET_LENGTH = 4;

/** Replaces known secret values and anything shaped like a signature or credential with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('***');
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, head: string) =>
      head.endsWith('//') ? `${head}***@` : `${head}***`,
    );
  }
  return out;
}
