/**
 * One error taxonomy for the whole project. Every error the project raises
 * extends ProjectError: a stable `code` (per class), a `category` that alone
 * decides the exit code of the CLI and of the agent (one table, below), and,
 * where the error stands for a user-visible outcome, the condition or result
 * `reason` it is reported as. Adapters translate SDK errors into these.
 */

/** Exit codes by category: the CLI's documented ones (README "Exit codes"), and the agent's. */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  etcd: 3,
  storage: 4,
  integrity: 5,
  refused: 6,
} as const;

export type ErrorCategory = Exclude<keyof typeof EXIT_CODES, 'ok'>;

export abstract class ProjectError extends Error {
  abstract readonly code: string;
  abstract readonly category: ErrorCategory;
  /**
   * The stable CamelCase reason this error is reported as (conditions, agent
   * results); undefined for a wrapper, whose cause then decides.
   */
  get reason(): string | undefined {
    return undefined;
  }
}

const MAX_CAUSE_DEPTH = 5;

/** The project errors along `err`'s cause chain, outermost first. */
function chain(err: unknown): ProjectError[] {
  const out: ProjectError[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (current instanceof ProjectError) out.push(current);
    current = current.cause;
  }
  return out;
}

/**
 * What an error is reported as: the first project error along the cause
 * chain that has a reason (a wrapper, such as an aborted upload, often
 * carries the real failure, such as a digest mismatch, as its cause).
 */
export function explainError(
  err: unknown,
): { reason: string; message: string; category: ErrorCategory } | undefined {
  const specific = chain(err).find((e) => e.reason !== undefined);
  return (
    specific && { reason: specific.reason!, message: specific.message, category: specific.category }
  );
}

/** The process exit code for an error: its explained category, else its own, else internal. */
export function exitCodeOf(err: unknown): number {
  const category = explainError(err)?.category ?? chain(err)[0]?.category ?? 'internal';
  return EXIT_CODES[category];
}
