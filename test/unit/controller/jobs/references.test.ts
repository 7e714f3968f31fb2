import { API_VERSION, KINDS, type EtcdRestore } from '../../../../src/api/v1alpha1/index.js';
import { backupReferences } from '../../../../src/controller/jobs/backup-job.js';
import { restoreJobSpec, restoreReferences } from '../../../../src/controller/jobs/restore-job.js';

const s3 = {
  bucket: 'b',
  credentialsSecretRef: { name: 's3', sessionTokenKey: 'AWS_SESSION_TOKEN' },
  caBundleSecretRef: { name: 's3-ca' },
};

function restore(spec: Partial<EtcdRestore['spec']>): EtcdRestore {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.restore,
    metadata: { name: 'r', namespace: 'ns', uid: 'uid-r-12345678' },
    spec: {
      source: {
        destination: { s3 },
        key: 'b/20260301T000000Z-r00000000000000000042.db',
        decryptionSecretRef: { name: 'age' },
      },
      mode: 'Logical',
      logical: {
        etcd: {
          endpoints: ['https://10.0.0.1:2379'],
          tlsSecretRef: { name: 'etcd-tls' },
          authSecretRef: { name: 'etcd-auth' },
        },
      },
      ...spec,
    },
  } as EtcdRestore;
}

/** Every Secret and ConfigMap a Pod spec mounts or reads, as `Kind/name:key`. */
function mountedBy(pod: {
  volumes: Array<Record<string, unknown>>;
  containers: Array<{
    env: Array<{ valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  }>;
}): string[] {
  const out: string[] = [];
  for (const v of pod.volumes) {
    const secret = v.secret as { secretName: string; items?: Array<{ key: string }> } | undefined;
    const map = v.configMap as { name: string; items?: Array<{ key: string }> } | undefined;
    if (secret)
      for (const i of secret.items ?? []) out.push(`Secret/${secret.secretName}:${i.key}`);
    if (map && !map.name.startsWith('r-'))
      for (const i of map.items ?? []) out.push(`ConfigMap/${map.name}:${i.key}`);
  }
  for (const e of pod.containers[0]!.env) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) out.push(`Secret/${ref.name}:${ref.key}`);
  }
  return out.sort();
}

const listed = (refs: ReturnType<typeof restoreReferences>) =>
  refs.flatMap((r) => r.keys.map((k) => `${r.kind}/${r.name}:${k}`)).sort();

describe('references: the wiring that mounts Secrets and ConfigMaps also lists them', () => {
  it('a restore lists exactly what its Job mounts, session token and CA bundle included', () => {
    const r = restore({});
    const job = restoreJobSpec({ restore: r, jobName: 'r-restore', image: 'img', stamp: 's' });
    expect(listed(restoreReferences(r, undefined))).toEqual(
      mountedBy(job.job.spec.template.spec as never),
    );
    expect(restoreReferences(r, undefined).map((x) => x.field)).toEqual([
      'spec.source.destination.s3.credentialsSecretRef',
      'spec.source.destination.s3.caBundleSecretRef',
      'spec.source.decryptionSecretRef',
      'spec.logical.etcd.authSecretRef',
      'spec.logical.etcd.tlsSecretRef',
    ]);
  });

  it("a restore from an EtcdBackup names the backup's fields, and a CA ConfigMap", () => {
    const r = restore({ source: { backupRef: { name: 'nightly' } } });
    const backup = {
      metadata: { name: 'nightly' },
      spec: { destination: { s3: { bucket: 'b', caBundleConfigMapRef: { name: 'ca' } } } },
    } as never;
    expect(restoreReferences(r, backup)).toContainEqual({
      kind: 'ConfigMap',
      name: 'ca',
      field: 'EtcdBackup nightly spec.destination.s3.caBundleConfigMapRef',
      keys: ['ca.crt'],
    });
    expect(restoreReferences(r, undefined)).toEqual(
      restoreReferences(r, undefined).filter((x) => !x.field.startsWith('EtcdBackup')),
    );
  });

  it('a backup lists its etcd, destination and recipients references', () => {
    const refs = backupReferences({
      etcd: { endpoints: ['https://10.0.0.1:2379'], tlsSecretRef: { name: 'etcd-tls' } },
      destination: { s3 },
      encryption: { recipientsFrom: { configMapKeyRef: { name: 'recipients' } } },
    });
    expect(refs.map((x) => `${x.kind}/${x.name} ${x.field}`)).toEqual([
      'Secret/etcd-tls spec.etcd.tlsSecretRef',
      'ConfigMap/recipients spec.encryption.recipientsFrom.configMapKeyRef',
      'Secret/s3 spec.destination.s3.credentialsSecretRef',
      'Secret/s3-ca spec.destination.s3.caBundleSecretRef',
    ]);
    expect(refs[2]!.keys).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]);
  });
});
