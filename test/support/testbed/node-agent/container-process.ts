import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';

export interface ProcessExit {
  readonly exitCode: number;
  /** The signal that ended the process, as a number, when one did. */
  readonly signal?: number;
}

export interface SpawnSpec {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** stdout and stderr are appended here, like a container runtime's log. */
  readonly logFile: string;
}

/** One container's process: the leader of its own process group, so signals reach its children too. */
export interface ContainerProcess {
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  signal(sig: NodeJS.Signals): void;
}

/** Exit codes the way a container runtime reports a signal death: 128 + signal number. */
export function exitFrom(code: number | null, signal: NodeJS.Signals | null): ProcessExit {
  if (signal) {
    const n = constants.signals[signal] ?? 9;
    return { exitCode: 128 + n, signal: n };
  }
  return { exitCode: code ?? 128 };
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Last resort: a test process that dies without stopping the agent takes its containers with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => liveGroups.forEach((pid) => signalGroup(pid, 'SIGKILL')));
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Resolves once the process runs; rejects when it cannot start (missing binary, bad cwd). */
export function startProcess(spec: SpawnSpec): Promise<ContainerProcess> {
  const [command, ...args] = spec.argv;
  if (command === undefined) return Promise.reject(new Error('empty argv'));
  installExitHook();
  const fd = openSync(spec.logFile, 'a');
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(command, args, {
        cwd: spec.cwd,
        env: { ...spec.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    child.on('error', reject);
    child.once('spawn', () => {
      const pid = child.pid!;
      liveGroups.add(pid);
      const exited = new Promise<ProcessExit>((done) => {
        child.once('exit', (code, signal) => {
          // Like a container's PID 1 dying: whatever it left behind goes too.
          signalGroup(pid, 'SIGKILL');
          liveGroups.delete(pid);
          done(exitFrom(code, signal));
        });
      });
      resolve({ pid, exited, signal: (sig) => signalGroup(pid, sig) });
    });
  });
}
