import {
  chmod,
  lstat,
  mkdir,
  readlink,
  rm,
  rmdir,
  stat,
  symlink,
  unlink,
  writeFile,
  open,
} from 'node:fs/promises';
import path from 'node:path';
import type { PlannedMount } from './mount-plan.js';
import type { PlannedVolume } from './volume-plan.js';

/** Materialises each planned volume under `volumeDir(name)` (host paths stay where they are). */
export async function writeVolumes(
  volumes: readonly PlannedVolume[],
  volumeDir: (name: string) => string,
): Promise<void> {
  for (const volume of volumes) {
    const dir = volumeDir(volume.name);
    if (volume.kind === 'hostPath') {
      await prepareHostPath(volume.path, volume.type);
    } else if (volume.kind === 'emptyDir') {
      await mkdir(dir, { recursive: true });
    } else {
      // Content volumes are rewritten whole, as the kubelet's atomic writer does.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      for (const file of volume.files) {
        const target = path.join(dir, path.posix.normalize(`/${file.path}`));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, file.data);
        await chmod(target, file.mode); // writeFile's mode is filtered by the umask
      }
    }
  }
}

const HOST_PATH_KINDS: Record<string, (s: Awaited<ReturnType<typeof stat>>) => boolean> = {
  Directory: (s) => s.isDirectory(),
  File: (s) => s.isFile(),
  Socket: (s) => s.isSocket(),
  CharDevice: (s) => s.isCharacterDevice(),
  BlockDevice: (s) => s.isBlockDevice(),
};

/** hostPath `type` semantics: *OrCreate creates, the others must already be of that kind. */
async function prepareHostPath(hostPath: string, type: string): Promise<void> {
  if (type === 'DirectoryOrCreate') {
    await mkdir(hostPath, { recursive: true, mode: 0o755 });
    return;
  }
  if (type === 'FileOrCreate') {
    await mkdir(path.dirname(hostPath), { recursive: true });
    await (await open(hostPath, 'a', 0o644)).close();
    return;
  }
  const check = HOST_PATH_KINDS[type];
  if (!check) return;
  const info = await stat(hostPath).catch(() => undefined);
  if (!info || !check(info))
    throw new Error(`hostPath type check failed: ${hostPath} is not a ${type}`);
}

/** Creates each mount's symlink; an existing link is replaced, an empty directory too, anything else is an error. */
export async function applyMounts(mounts: readonly PlannedMount[]): Promise<void> {
  for (const m of mounts) {
    if (m.createTarget) await mkdir(m.target, { recursive: true });
    await mkdir(path.dirname(m.link), { recursive: true });
    const existing = await lstat(m.link).catch(() => undefined);
    if (existing?.isSymbolicLink()) {
      if ((await readlink(m.link)) === m.target) continue;
      await unlink(m.link);
    } else if (existing?.isDirectory()) {
      await rmdir(m.link).catch(() => {
        throw new Error(`cannot mount at ${m.link}: a non-empty directory is there`);
      });
    } else if (existing) {
      throw new Error(`cannot mount at ${m.link}: a file is there`);
    }
    await symlink(m.target, m.link);
  }
}
