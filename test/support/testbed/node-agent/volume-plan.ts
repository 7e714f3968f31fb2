import type { V1Pod, V1ServiceAccountTokenProjection, V1Volume } from '@kubernetes/client-node';
import type { Unrunnable } from './command.js';
import type { PodPlacement } from './field-ref.js';
import type { ObjectLookups } from './object-data.js';
import { contentFiles, type FileContext } from './volume-files.js';

export interface PlannedFile {
  /** Relative to the volume directory. */
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

export type VolumeContent =
  | { readonly kind: 'files'; readonly files: readonly PlannedFile[] }
  | { readonly kind: 'emptyDir' }
  | { readonly kind: 'hostPath'; readonly path: string; readonly type: string };

export type PlannedVolume = { readonly name: string } & VolumeContent;

export interface VolumeLookups extends ObjectLookups {
  /** A TokenRequest result for a projected `serviceAccountToken` source (see tokenKey). */
  token(source: V1ServiceAccountTokenProjection): string | undefined;
}

export type VolumePlan = { ok: true; volumes: PlannedVolume[] } | { ok: false; message: string };

const SUPPORTED = [
  'secret',
  'configMap',
  'emptyDir',
  'hostPath',
  'projected',
  'downwardAPI',
] as const;

/** Identifies one token request: pods asking for the same audience and lifetime share it. */
export function tokenKey(source: V1ServiceAccountTokenProjection): string {
  return `${source.audience ?? ''}|${source.expirationSeconds ?? 3600}`;
}

/** A volume type this agent cannot provide makes the pod unrunnable, not stuck. */
export function checkVolumesSupported(pod: V1Pod): Unrunnable | undefined {
  for (const volume of pod.spec?.volumes ?? []) {
    if (SUPPORTED.some((kind) => volume[kind] !== undefined)) continue;
    const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
    return {
      reason: 'ErrVolumeNotSupported',
      message: `volume "${volume.name}" of type ${kind} is not supported by the test-bed node agent (only ${SUPPORTED.join(', ')})`,
    };
  }
  return undefined;
}

/**
 * Every volume's content as files to write. Volumes that any container mounts
 * read-only get their files' write bits cleared, which is how the agent models
 * a read-only mount.
 */
export function planVolumes(
  pod: V1Pod,
  lookups: VolumeLookups,
  placement: PodPlacement,
): VolumePlan {
  const readOnly = readOnlyVolumeNames(pod);
  const volumes: PlannedVolume[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const content = planVolume(volume, { pod, lookups, placement });
    if (!content.ok)
      return {
        ok: false,
        message: `MountVolume.SetUp failed for volume "${volume.name}" : ${content.message}`,
      };
    const c = content.content;
    const ro = readOnly.has(volume.name) && c.kind === 'files';
    volumes.push({
      name: volume.name,
      ...(ro ? { kind: 'files', files: c.files.map(readOnlyFile) } : c),
    });
  }
  return { ok: true, volumes };
}

function readOnlyFile(f: PlannedFile): PlannedFile {
  return { ...f, mode: f.mode & ~0o222 };
}

function readOnlyVolumeNames(pod: V1Pod): Set<string> {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return new Set(
    containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.readOnly).map((m) => m.name)),
  );
}

function planVolume(
  volume: V1Volume,
  ctx: FileContext,
): { ok: true; content: VolumeContent } | { ok: false; message: string } {
  if (volume.emptyDir) return { ok: true, content: { kind: 'emptyDir' } };
  if (volume.hostPath) {
    const { path, type = '' } = volume.hostPath;
    return { ok: true, content: { kind: 'hostPath', path, type } };
  }
  const files = contentFiles(volume, ctx);
  if (!files) return { ok: false, message: 'volume type not supported by the test-bed node agent' };
  return files.ok ? { ok: true, content: { kind: 'files', files: files.files } } : files;
}
