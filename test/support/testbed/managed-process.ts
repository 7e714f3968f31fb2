import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: never leave a component running after the test process exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** The last `lines` lines of a log file (empty when missing). */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** A child process whose output goes to its own log file. */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  private readonly child: ChildProcess;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(spec: ProcessSpec) {
    installExitHook();
    this.spec = spec;
    const fd = openSync(spec.logFile, 'a');
    this.child = spawn(spec.command, [...spec.args], {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...spec.env },
      cwd: spec.cwd,
    });
    closeSync(fd);
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this.child);
        resolve();
      });
      this.child.on('error', (err) => {
        this.exitInfo = { code: null, signal: `spawn error: ${err.message}` };
        live.delete(this.child);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Polls `probe` until it returns true; fails early, with the log tail, if the process exits. */
  async waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw this.failure(`exited while waiting for ${what}`);
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw this.failure(`not ${what} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  failure(problem: string): Error {
    const info = this.exitInfo
      ? ` (exit code ${this.exitInfo.code}, signal ${this.exitInfo.signal})`
      : '';
    return new Error(
      `${this.spec.name} ${problem}${info}; log ${this.spec.logFile}:\n${tail(this.spec.logFile)}`,
    );
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Abrupt death, for fault-injection tests. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
