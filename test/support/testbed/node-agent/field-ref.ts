import type { V1Pod } from '@kubernetes/client-node';

/** Facts about where the pod runs that its API object may not show yet. */
export interface PodPlacement {
  readonly nodeName: string;
  readonly podIP: string;
  readonly hostIP: string;
}

export type FieldValue = { ok: true; value: string } | { ok: false; message: string };

/** The kubelet's `fieldpath.FormatMap`: sorted `key="value"` lines. */
export function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** A downward-API `fieldRef.fieldPath` of a pod, as env vars and volumes see it. */
export function resolveFieldPath(pod: V1Pod, fieldPath: string, at: PodPlacement): FieldValue {
  const meta = pod.metadata ?? {};
  const simple: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'metadata.labels': formatMap(meta.labels),
    'metadata.annotations': formatMap(meta.annotations),
    'spec.nodeName': pod.spec?.nodeName || at.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'status.podIP': at.podIP,
    'status.podIPs': at.podIP,
    'status.hostIP': at.hostIP,
    'status.hostIPs': at.hostIP,
  };
  if (fieldPath in simple) return { ok: true, value: simple[fieldPath] ?? '' };
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const map = sub[1] === 'labels' ? meta.labels : meta.annotations;
    return { ok: true, value: map?.[sub[2]!] ?? '' };
  }
  return { ok: false, message: `unsupported fieldPath: ${fieldPath}` };
}
