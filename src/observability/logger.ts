import { pino, type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths pino blanks out wherever they appear (one or two levels deep), so a credential
 * that slips into a log field never reaches the output.
 */
export const REDACT_PATHS: readonly string[] = [
  ...['password', 'secretAccessKey', 'sessionToken', 'token', 'accessToken', 'bearerToken'].flatMap(
    (key) => [key, `*.${key}`, `*.*.${key}`],
  ),
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["proxy-authorization"]',
  'headers.authorization',
  'headers.Authorization',
];

export interface LoggerOptions {
  readonly level?: Level | 'silent';
  /** Base fields on every line, e.g. { component: 'manager' }. */
  readonly base?: Record<string, unknown>;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
}

/** JSON lines with ISO times and secret-looking fields redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    },
    options.destination,
  );
}

/** A logger that drops everything (the default for library classes and tests). */
export const silentLogger: Logger = pino({ level: 'silent' });

export interface ObjectLogFields {
  readonly controller: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly generation?: number;
}

/** The per-reconcile child logger: `{controller, namespace, name}` on every line. */
export function reconcileLogger(parent: Logger, fields: ObjectLogFields): Logger {
  return parent.child({ ...fields });
}
