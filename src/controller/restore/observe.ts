import type { V1Job, V1Pod, V1Secret } from '@kubernetes/client-node';
import { readRestoreResult } from '../../api/agent/index.js';
import {
  DEFAULTS,
  KINDS,
  LABELS,
  type EtcdBackup,
  type EtcdRestore,
} from '../../api/v1alpha1/index.js';
import type { AgentPolicy } from '../policy/agent-policy.js';
import { isKubeError } from '../../kube/errors.js';
import type { CustomResourcePort, SecretReader } from '../../kube/ports.js';
import { pickPodResult } from '../pod-result.js';
import type { ObjectStore } from '../informer-store.js';
import { parseKey } from '../object-key.js';
import {
  type MissingReference,
  type ObservedRestore,
  type ObservedRestoreJob,
} from './observed.js';

export interface RestoreObserveDeps {
  readonly restores: ObjectStore<EtcdRestore>;
  readonly jobCache: ObjectStore<V1Job>;
  readonly podCache: ObjectStore<V1Pod>;
  readonly secrets: SecretReader;
  readonly backupClient: Pick<CustomResourcePort<EtcdBackup>, 'get'>;
  /** What the restore's Pods may ask for (docs/security.md). */
  readonly policy?: AgentPolicy;
}

interface SecretNeed {
  readonly name: string;
  readonly key: string;
  readonly field: string;
}

/** Every Secret key the restore's Jobs will need, by the spec field that names it. */
export function secretNeeds(restore: EtcdRestore, backup?: EtcdBackup | null): SecretNeed[] {
  const { source, logical } = restore.spec;
  const needs: SecretNeed[] = [];
  const dec = source.decryptionSecretRef;
  if (dec)
    needs.push({
      name: dec.name,
      key: dec.key ?? DEFAULTS.identityKey,
      field: 'spec.source.decryptionSecretRef',
    });
  const destination = source.backupRef ? backup?.spec.destination : source.destination;
  const creds = destination?.s3?.credentialsSecretRef;
  const where = source.backupRef
    ? `EtcdBackup ${source.backupRef.name}`
    : 'spec.source.destination';
  if (creds) {
    const f = `${where} s3.credentialsSecretRef`;
    needs.push({
      name: creds.name,
      key: creds.accessKeyIdKey ?? DEFAULTS.accessKeyIdKey,
      field: f,
    });
    needs.push({
      name: creds.name,
      key: creds.secretAccessKeyKey ?? DEFAULTS.secretAccessKeyKey,
      field: f,
    });
  }
  const tls = logical?.etcd.tlsSecretRef;
  if (tls)
    for (const key of [
      tls.caKey ?? DEFAULTS.tlsCaKey,
      tls.certKey ?? DEFAULTS.tlsCertKey,
      tls.keyKey ?? DEFAULTS.tlsKeyKey,
    ])
      needs.push({ name: tls.name, key, field: 'spec.logical.etcd.tlsSecretRef' });
  const auth = logical?.etcd.authSecretRef;
  if (auth)
    for (const key of [
      auth.usernameKey ?? DEFAULTS.usernameKey,
      auth.passwordKey ?? DEFAULTS.passwordKey,
    ])
      needs.push({ name: auth.name, key, field: 'spec.logical.etcd.authSecretRef' });
  return needs;
}

async function missingSecrets(
  namespace: string,
  needs: readonly SecretNeed[],
  secrets: SecretReader,
): Promise<MissingReference[]> {
  const keys = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  const keysOf = (name: string) => {
    let found = keys.get(name);
    if (!found) {
      found = secrets
        .get(namespace, name)
        .then((s: V1Secret | undefined) => (s ? new Set(Object.keys(s.data ?? {})) : undefined));
      keys.set(name, found);
    }
    return found;
  };
  const missing: MissingReference[] = [];
  for (const need of needs) {
    const present = await keysOf(need.name);
    if (!present) {
      if (!missing.some((m) => m.name === need.name && m.key === undefined))
        missing.push({ kind: 'Secret', name: need.name, field: need.field });
    } else if (!present.has(need.key))
      missing.push({ kind: 'Secret', name: need.name, key: need.key, field: need.field });
  }
  return missing;
}

function summarize(job: V1Job, pods: readonly V1Pod[]): ObservedRestoreJob {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const complete = isTrue('Complete');
  const failed = complete ? undefined : isTrue('Failed');
  const result = pickPodResult(pods, readRestoreResult);
  const finished = complete
    ? (job.status?.completionTime ?? complete.lastTransitionTime)
    : failed?.lastTransitionTime;
  const member = job.metadata?.labels?.[LABELS.member];
  return {
    name: job.metadata?.name ?? '',
    state: complete ? 'succeeded' : failed ? 'failed' : 'active',
    ...(member ? { member } : {}),
    ...(finished ? { completionTime: new Date(finished) } : {}),
    ...(result ? { result } : {}),
    ...(failed
      ? { failure: { reason: failed.reason ?? 'Failed', message: failed.message ?? '' } }
      : {}),
  };
}

function ownedBy(obj: V1Job, restore: EtcdRestore): boolean {
  const owner = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  return owner?.kind === KINDS.restore && owner.uid === restore.metadata?.uid;
}

function podOf(pod: V1Pod, jobName: string): boolean {
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner) return owner.kind === 'Job' && owner.name === jobName;
  return pod.metadata?.labels?.['batch.kubernetes.io/job-name'] === jobName;
}

/** Reads everything a restore reconcile plans from; writes nothing. Undefined when it is gone. */
export async function observeRestore(
  key: string,
  deps: RestoreObserveDeps,
): Promise<ObservedRestore | undefined> {
  const restore = deps.restores.get(key);
  if (!restore) return undefined;
  const { namespace = '', name } = parseKey(key);
  const ref = restore.spec.source.backupRef;
  let backup: EtcdBackup | null | undefined;
  if (ref) {
    try {
      backup = (await deps.backupClient.get(namespace, ref.name)) ?? null;
    } catch (err) {
      if (!isKubeError(err, 'NotFound')) throw err;
      backup = null;
    }
  }
  const pods = deps.podCache
    .list(namespace)
    .filter((p) => p.metadata?.labels?.[LABELS.restore] === name);
  const jobs = deps.jobCache
    .list(namespace)
    .filter((j) => ownedBy(j, restore))
    .map((j) =>
      summarize(
        j,
        pods.filter((p) => podOf(p, j.metadata?.name ?? '')),
      ),
    );
  const finished = restore.status?.phase === 'Completed' || restore.status?.phase === 'Failed';
  const missing = finished
    ? []
    : await missingSecrets(namespace, secretNeeds(restore, backup), deps.secrets);
  return {
    restore,
    ...(ref ? { backup } : {}),
    missing,
    jobs,
    ...(deps.policy ? { policy: deps.policy } : {}),
  };
}
