import { mkdir } from 'node:fs/promises';
import type { V1Container } from '@kubernetes/client-node';
import { buildArgv } from './command.js';
import { fileSize, readTerminationMessage, resetTerminationFile } from './container-files.js';
import { startProcess } from './container-process.js';
import { exitedState, type ContainerRecord, type TerminatedState } from './container-record.js';
import { resolveEnv } from './env.js';
import { fetchLookups } from './fetch-lookups.js';
import { planMounts } from './mount-plan.js';
import { containerRefs } from './object-refs.js';
import { underRoot } from './pod-paths.js';
import { restartDelayMs, shouldRestart } from './restart-policy.js';
import { DEFAULT_MESSAGE_PATH } from './termination-message.js';
import { applyMounts } from './volume-writer.js';
import type { RunContext } from './worker-deps.js';

/** The environment variable through which the product finds its file-system root. */
const FS_ROOT_ENV = 'ETCD_SNAPSHOT_FS_ROOT';

interface Prepared {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly messageFile: string;
}

/**
 * Runs one container to its end, restarting it in place as the pod's
 * restartPolicy says, with a growing backoff. Resolves with the last exit, or
 * undefined when the pod was stopped before the container ever ran.
 */
export async function runContainer(
  ctx: RunContext,
  spec: V1Container,
  rec: ContainerRecord,
  isInit: boolean,
): Promise<TerminatedState | undefined> {
  for (;;) {
    const prepared = await prepare(ctx, spec, rec);
    if (!prepared) return undefined;
    const exit = await runOnce(ctx, spec, rec, prepared);
    if (ctx.stopping() || !shouldRestart(ctx.pod().spec?.restartPolicy, exit.exitCode, isInit))
      return exit;
    const delay = restartDelayMs(rec.restartCount);
    const pod = ctx.pod().metadata;
    rec.lastState = exit;
    rec.state = {
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${delay / 1000}s restarting failed container=${spec.name} pod=${pod?.name}_${pod?.namespace}(${pod?.uid})`,
    };
    ctx.report();
    await ctx.sleep(delay);
    if (ctx.stopping()) return exit;
    rec.restartCount++;
  }
}

/** Resolves env and mounts, waiting (CreateContainerConfigError) while a referenced object is missing. */
async function prepare(
  ctx: RunContext,
  spec: V1Container,
  rec: ContainerRecord,
): Promise<Prepared | undefined> {
  while (!ctx.stopping()) {
    let message: string;
    try {
      const result = await resolveConfig(ctx, spec);
      if (result.ok) return result.prepared;
      message = result.message;
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    if (rec.state.kind !== 'waiting' || rec.state.message !== message) {
      rec.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message };
      ctx.deps.log('container config error; retrying', {
        pod: ctx.pod().metadata?.name,
        container: spec.name,
        message,
      });
      ctx.report();
    }
    await ctx.sleep(ctx.deps.retryMs);
  }
  return undefined;
}

type Config = { ok: true; prepared: Prepared } | { ok: false; message: string };

async function resolveConfig(ctx: RunContext, spec: V1Container): Promise<Config> {
  const pod = ctx.pod();
  const lookups = await fetchLookups(ctx.deps.kube, pod, containerRefs(spec));
  const resolved = resolveEnv({
    pod,
    container: spec,
    lookups,
    placement: ctx.deps.placement,
    serviceEnv: ctx.deps.serviceEnv,
    imageEnv: {
      PATH: ctx.deps.searchPath,
      HOSTNAME: pod.spec?.hostname || pod.metadata?.name || '',
      // Inside the root, so libraries reading ~ (the AWS SDK's ~/.aws) never see the host's.
      HOME: underRoot(ctx.paths.root, '/root'),
    },
  });
  if (!resolved.ok) return resolved;
  const env = { ...resolved.env, [FS_ROOT_ENV]: ctx.paths.root };
  const mounts = planMounts(spec, ctx.volumes, ctx.paths.root, ctx.paths.volume, env);
  if (!mounts.ok) return mounts;
  await applyMounts(mounts.mounts);
  const cwd = underRoot(ctx.paths.root, spec.workingDir || '/');
  await mkdir(cwd, { recursive: true });
  const messageFile = underRoot(
    ctx.paths.root,
    spec.terminationMessagePath || DEFAULT_MESSAGE_PATH,
  );
  return {
    ok: true,
    prepared: { argv: buildArgv(spec, ctx.deps.entrypoint, env), env, cwd, messageFile },
  };
}

async function runOnce(
  ctx: RunContext,
  spec: V1Container,
  rec: ContainerRecord,
  p: Prepared,
): Promise<TerminatedState> {
  const logFile = ctx.paths.logFile(spec.name);
  await resetTerminationFile(p.messageFile);
  const logOffset = await fileSize(logFile);
  const startedAt = ctx.deps.now();
  const spawnSpec = { argv: p.argv, env: p.env, cwd: p.cwd, logFile };
  const proc = await startProcess(spawnSpec).catch((err: unknown) => new StartError(err));
  if (proc instanceof StartError) {
    const failed = { exitCode: 128, reason: 'StartError', message: proc.message, startedAt };
    return settle(ctx, rec, { kind: 'terminated', ...failed, finishedAt: ctx.deps.now() });
  }
  const untrack = ctx.track(proc);
  const containerID = `local://${proc.pid}`;
  rec.state = { kind: 'running', startedAt, containerID };
  const fields = { pod: ctx.pod().metadata?.name, container: spec.name };
  ctx.deps.log('container started', { ...fields, pid: proc.pid, command: commandOf(spec) });
  ctx.report();
  const exit = await proc.exited;
  untrack();
  const policy = spec.terminationMessagePolicy;
  const message = await readTerminationMessage({
    ...p,
    policy,
    exitCode: exit.exitCode,
    logFile,
    logOffset,
  });
  ctx.deps.log('container exited', { ...fields, exitCode: exit.exitCode });
  return settle(
    ctx,
    rec,
    exitedState(exit, message, { startedAt, finishedAt: ctx.deps.now(), containerID }),
  );
}

/** As written in the pod spec, before `$(VAR)` expansion, so no secret value reaches the log. */
function commandOf(spec: V1Container): string[] {
  return [...(spec.command ?? []), ...(spec.args ?? [])];
}

class StartError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function settle(ctx: RunContext, rec: ContainerRecord, state: TerminatedState): TerminatedState {
  rec.state = state;
  ctx.report();
  return state;
}
