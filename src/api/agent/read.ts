import type { Static, TSchema } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { ProjectError } from '../errors.js';

/** The agent's configuration is wrong: whoever wrote it must fix it; retrying cannot. */
export class AgentConfigError extends ProjectError {
  override readonly name = 'AgentConfigError';
  readonly code = 'InvalidConfig';
  readonly category = 'usage';
  override get reason(): string {
    return 'InvalidConfig';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `/etcd/endpoints/0` -> `etcd.endpoints[0]`, as the docs and messages name fields. */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
      '',
    );
}

/** One line per field, in document order: the schema's own words when it has them. */
export function describeErrors(errors: Iterable<ValueError>): string[] {
  const seen = new Map<string, string>();
  for (const e of errors) {
    const field = fieldOf(e.path) || '(the config)';
    if (seen.has(field)) continue;
    const own = (e.schema as { errorMessage?: string }).errorMessage;
    seen.set(field, own ?? e.message.replace(/^Expected/, 'must be'));
  }
  return [...seen].map(([field, problem]) => `${field} ${problem}`);
}

/**
 * The JSON object of an agent config and what its schema finds wrong with it,
 * one line per field; values are never echoed (an endpoint could carry
 * credentials). Throws AgentConfigError only when it is no JSON object at all.
 */
export function checkAgentConfig(
  schema: TSchema,
  text: string,
): { readonly raw: Record<string, unknown>; readonly problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AgentConfigError(`the agent config is not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(raw)) throw new AgentConfigError('the agent config must be a JSON object');
  const problems = Value.Check(schema, raw) ? [] : describeErrors(Value.Errors(schema, raw));
  return { raw, problems };
}

/** An agent config that passes its schema, or one AgentConfigError listing every problem. */
export function readAgentConfig<T extends TSchema>(schema: T, text: string): Static<T> {
  const { raw, problems } = checkAgentConfig(schema, text);
  if (problems.length > 0) throw invalidConfig(problems);
  return raw as Static<T>;
}

export function invalidConfig(problems: readonly string[]): AgentConfigError {
  return new AgentConfigError(`invalid agent config: ${problems.join('; ')}`);
}

/**
 * An agent result from a termination message, or undefined: the message is
 * whatever the container left (a crash trace, a truncated JSON, nothing), so
 * anything that is not a well-formed result is ignored, never thrown; the
 * Job's own status still says whether it failed.
 */
export function readAgentResult<T extends TSchema>(
  schema: T,
  message: string | undefined,
): Static<T> | undefined {
  if (!message) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  return Value.Check(schema, value) ? (value as Static<T>) : undefined;
}
