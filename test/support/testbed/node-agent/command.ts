import type { V1Container } from '@kubernetes/client-node';
import { expandVars } from './expand.js';

/** Why a container can never run here: reported at once instead of retried. */
export interface Unrunnable {
  readonly reason: string;
  readonly message: string;
}

const PROGRAM = 'etcd-snapshot';

function isProgram(command0: string): boolean {
  return command0 === PROGRAM || command0.endsWith(`/${PROGRAM}`);
}

/**
 * The node agent runs no images: it runs the project's entrypoint in place of
 * the operator image, so any other image, or a command other than the
 * `etcd-snapshot` binary, is a test that cannot work and should say so.
 */
export function checkRunnable(
  container: V1Container,
  isOwnImage: (image: string) => boolean,
): Unrunnable | undefined {
  const image = container.image ?? '';
  if (!isOwnImage(image)) {
    return {
      reason: 'ErrImageNotRunnable',
      message: `image "${image}" cannot run on the test-bed node agent: only the operator image runs here`,
    };
  }
  const command = container.command ?? [];
  if (command.length > 0 && !isProgram(command[0]!)) {
    return {
      reason: 'ErrCommandNotRunnable',
      message:
        `command ${JSON.stringify(command)} of container "${container.name}" cannot run on the ` +
        `test-bed node agent: only the ${PROGRAM} program (or no command) runs here`,
    };
  }
  return undefined;
}

/**
 * The argv to spawn: the entrypoint stands for `etcd-snapshot`, so a command of
 * `etcd-snapshot a b` contributes `a b`; `$(VAR)` references in command and args
 * expand against the container's environment, as the kubelet does.
 */
export function buildArgv(
  container: V1Container,
  entrypoint: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  const lookup = (name: string): string | undefined => env[name];
  const extra = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
  return [...entrypoint, ...extra.map((a) => expandVars(a, lookup))];
}
