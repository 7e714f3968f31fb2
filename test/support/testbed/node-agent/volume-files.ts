import type {
  V1DownwardAPIVolumeFile,
  V1KeyToPath,
  V1Pod,
  V1Volume,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import { resolveFieldPath, type PodPlacement } from './field-ref.js';
import { configMapEntries, missing, secretEntries } from './object-data.js';
import { resolveResourceField } from './resource-field.js';
import type { PlannedFile, VolumeLookups } from './volume-plan.js';

export type Files = { ok: true; files: PlannedFile[] } | { ok: false; message: string };

export interface FileContext {
  readonly pod: V1Pod;
  readonly lookups: VolumeLookups;
  readonly placement: PodPlacement;
}
type Ctx = FileContext;

const DEFAULT_MODE = 0o644;

/** The files of a content volume (secret, configMap, downwardAPI, projected); undefined for other types. */
export function contentFiles(volume: V1Volume, ctx: Ctx): Files | undefined {
  if (volume.secret) {
    const s = volume.secret;
    const src = { name: s.secretName ?? '', items: s.items, optional: s.optional };
    return secretFiles(src, s.defaultMode, ctx);
  }
  if (volume.configMap) return configMapFiles(volume.configMap, volume.configMap.defaultMode, ctx);
  if (volume.downwardAPI) {
    return downwardFiles(volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode, ctx);
  }
  if (volume.projected) {
    return projectedFiles(volume.projected.sources ?? [], volume.projected.defaultMode, ctx);
  }
  return undefined;
}

interface KeyedSource {
  readonly name?: string;
  readonly items?: V1KeyToPath[];
  readonly optional?: boolean;
}

function secretFiles(src: KeyedSource, defaultMode: number | undefined, ctx: Ctx): Files {
  const secret = ctx.lookups.secret(src.name ?? '');
  if (!secret && !src.optional) return { ok: false, message: missing.secret(src.name ?? '') };
  const entries = secret ? secretEntries(secret) : new Map<string, Buffer>();
  return keyedFiles(
    entries,
    src,
    defaultMode,
    (key) => `references non-existent secret key: ${key}`,
  );
}

function configMapFiles(src: KeyedSource, defaultMode: number | undefined, ctx: Ctx): Files {
  const cm = ctx.lookups.configMap(src.name ?? '');
  if (!cm && !src.optional) return { ok: false, message: missing.configMap(src.name ?? '') };
  const entries = cm ? configMapEntries(cm) : new Map<string, Buffer>();
  return keyedFiles(
    entries,
    src,
    defaultMode,
    (key) => `configmap references non-existent config key: ${key}`,
  );
}

/** `items` picks and renames keys; without it every key becomes a file of its own name. */
function keyedFiles(
  entries: Map<string, Buffer>,
  src: KeyedSource,
  defaultMode: number | undefined,
  missingKey: (key: string) => string,
): Files {
  const mode = defaultMode ?? DEFAULT_MODE;
  if (!src.items?.length) {
    return { ok: true, files: [...entries].map(([key, data]) => ({ path: key, data, mode })) };
  }
  const files: PlannedFile[] = [];
  for (const item of src.items) {
    const data = entries.get(item.key);
    if (data === undefined) {
      if (src.optional) continue;
      return { ok: false, message: missingKey(item.key) };
    }
    files.push({ path: item.path, data, mode: item.mode ?? mode });
  }
  return { ok: true, files };
}

function downwardFiles(
  items: readonly V1DownwardAPIVolumeFile[],
  defaultMode: number | undefined,
  ctx: Ctx,
): Files {
  const files: PlannedFile[] = [];
  for (const item of items) {
    const value = downwardValue(item, ctx);
    if (!value.ok) return value;
    files.push({
      path: item.path,
      data: Buffer.from(value.value, 'utf8'),
      mode: item.mode ?? defaultMode ?? DEFAULT_MODE,
    });
  }
  return { ok: true, files };
}

function downwardValue(
  item: V1DownwardAPIVolumeFile,
  ctx: Ctx,
): { ok: true; value: string } | { ok: false; message: string } {
  if (item.fieldRef) return resolveFieldPath(ctx.pod, item.fieldRef.fieldPath, ctx.placement);
  const ref = item.resourceFieldRef;
  if (ref) {
    const container = ctx.pod.spec?.containers.find((c) => c.name === ref.containerName);
    if (!container)
      return {
        ok: false,
        message: `resourceFieldRef: container "${ref.containerName ?? ''}" not found`,
      };
    return resolveResourceField(container, ref);
  }
  return {
    ok: false,
    message: `downwardAPI item ${item.path} has neither fieldRef nor resourceFieldRef`,
  };
}

function projectedFiles(
  sources: readonly V1VolumeProjection[],
  defaultMode: number | undefined,
  ctx: Ctx,
): Files {
  const files: PlannedFile[] = [];
  for (const source of sources) {
    const part = projectionFiles(source, defaultMode, ctx);
    if (!part.ok) return part;
    files.push(...part.files);
  }
  return { ok: true, files };
}

function projectionFiles(
  source: V1VolumeProjection,
  defaultMode: number | undefined,
  ctx: Ctx,
): Files {
  if (source.secret) return secretFiles(source.secret, defaultMode, ctx);
  if (source.configMap) return configMapFiles(source.configMap, defaultMode, ctx);
  if (source.downwardAPI) return downwardFiles(source.downwardAPI.items ?? [], defaultMode, ctx);
  const sat = source.serviceAccountToken;
  if (sat) {
    const token = ctx.lookups.token(sat);
    if (token === undefined)
      return { ok: false, message: `failed to fetch token for audience "${sat.audience ?? ''}"` };
    return {
      ok: true,
      files: [
        { path: sat.path, data: Buffer.from(token, 'utf8'), mode: defaultMode ?? DEFAULT_MODE },
      ],
    };
  }
  return {
    ok: false,
    message:
      'projected source not supported by the test-bed node agent (only secret, configMap, downwardAPI, serviceAccountToken)',
  };
}
