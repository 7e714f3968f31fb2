import {
  AGENT_CA_BUNDLE_DIR,
  AGENT_CONFIG_PATH,
  AGENT_ENV,
  AGENT_ETCD_TLS_DIR,
  AGENT_RECIPIENTS_DIR,
  AGENT_VOLUME_DIR,
  type BackupAgentConfig,
} from '../../../../src/api/agent/index.js';
import { parseBackupAgentConfig } from '../../../../src/agent/config.js';
import { API_VERSION, KINDS, type EtcdBackup } from '../../../../src/api/v1alpha1/index.js';
import {
  AGENT_CONTAINER_NAME,
  backupJobSpec,
  JobSpecError,
  SCHEDULED_TIME_ANNOTATION,
  type BackupJobInput,
} from '../../../../src/controller/jobs/backup-job.js';
import { s3Wiring } from '../../../../src/controller/jobs/destinations/s3.js';
import type { EnvVarShape, VolumeShape } from '../../../../src/controller/jobs/kube-shapes.js';
import { validateStoreConfig } from '../../../../src/storage/index.js';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const SCHEDULED = new Date('2026-03-01T06:00:00Z');

function backup(
  name: string,
  spec: EtcdBackup['spec'],
  meta: Partial<EtcdBackup['metadata']> = {},
): EtcdBackup {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.backup,
    metadata: { name, namespace: 'etcd-backups', uid: `uid-${name}`, ...meta },
    spec,
  };
}

function build(b: EtcdBackup, extra: Partial<BackupJobInput> = {}) {
  return backupJobSpec({
    backup: b,
    jobName: `${b.metadata!.name}-29540520`,
    scheduledTime: SCHEDULED,
    trigger: 'schedule',
    image: 'ghcr.io/etcd-snapshot-operator/etcd-snapshot:0.1.0',
    configMapName: `${b.metadata!.name}-29540520`,
    ...extra,
  });
}

const pod = (r: ReturnType<typeof build>) => r.job.spec.template.spec;
const agent = (r: ReturnType<typeof build>) => pod(r).containers[0]!;
const volume = (r: ReturnType<typeof build>, name: string) =>
  pod(r).volumes.find((v) => v.name === name) as
    (VolumeShape & Record<string, unknown>) | undefined;
const envNamed = (r: ReturnType<typeof build>, name: string) =>
  agent(r).env.find((e) => e.name === name);
const mountAt = (r: ReturnType<typeof build>, path: string) =>
  agent(r).volumeMounts.find((m) => m.mountPath === path);

const kubeadm = backup('control-plane', {
  etcd: {
    endpoints: ['https://127.0.0.1:2379'],
    tlsFiles: {
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
      keyFile: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
    },
  },
  schedule: '0 */6 * * *',
  destination: { s3: { bucket: 'etcd-backups', prefix: 'clusters/prod/' } },
  jobTemplate: {
    hostNetwork: true,
    nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
    tolerations: [
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
    ],
    volumes: [
      { name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'Directory' } },
    ],
    volumeMounts: [{ name: 'etcd-certs', mountPath: '/etc/kubernetes/pki/etcd', readOnly: true }],
  },
});

const withS3Secret = backup('s3-secret', {
  etcd: {
    endpoints: ['https://10.0.0.10:2379'],
    tlsSecretRef: { name: 'etcd-client', caKey: 'ca.pem' },
    authSecretRef: { name: 'etcd-auth', passwordKey: 'pw' },
    dialTimeout: '5s',
  },
  destination: {
    s3: {
      bucket: 'etcd-backups',
      prefix: 'clusters/prod/',
      endpoint: 'https://minio.example:9000',
      region: 'eu-central-1',
      forcePathStyle: true,
      caBundleSecretRef: { name: 'minio-ca', key: 'ca.pem' },
      credentialsSecretRef: { name: 's3-creds', sessionTokenKey: 'token' },
      sse: 'aws:kms',
      kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/abcd',
      storageClass: 'STANDARD_IA',
      checksum: 'CRC32C',
      partSizeMiB: 16,
      queueSize: 4,
    },
  },
  compression: 'gzip',
  retention: { keepLast: 4, maxAge: '30d', maxTotalSize: 1073741824 },
  snapshotTimeout: '90m',
  backoffLimit: 5,
});

const ambient = backup('ambient', {
  etcd: { endpoints: ['http://etcd.kube-system:2379'] },
  destination: { s3: { bucket: 'etcd-backups', region: 'us-east-1' } },
  jobTemplate: { serviceAccountName: 'etcd-backup-irsa' },
});

const pvc = backup('pvc', {
  etcd: { endpoints: ['http://etcd:2379'] },
  destination: {
    volume: { persistentVolumeClaim: { claimName: 'backups' }, subPath: 'etcd/prod' },
  },
});

const encrypted = backup('encrypted', {
  etcd: { endpoints: ['http://etcd:2379'] },
  destination: { volume: { hostPath: { path: '/var/backups' } } },
  encryption: {
    recipients: [RECIPIENT],
    recipientsFrom: { secretKeyRef: { name: 'age-recipients', key: 'keys.txt' } },
  },
});

describe('backupJobSpec: every backup', () => {
  const cases = [kubeadm, withS3Secret, ambient, pvc, encrypted];

  it.each(cases.map((b) => [b.metadata!.name!, b] as const))(
    '%s: a Job owned by its EtcdBackup, labelled, running the agent once',
    (_name, b) => {
      const r = build(b);
      expect(r.job.metadata).toMatchObject({
        name: `${b.metadata!.name}-29540520`,
        namespace: 'etcd-backups',
        ownerReferences: [
          {
            apiVersion: API_VERSION,
            kind: 'EtcdBackup',
            name: b.metadata!.name,
            uid: b.metadata!.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        labels: {
          'etcdsnapshot.dev/backup': b.metadata!.name,
          'etcdsnapshot.dev/trigger': 'schedule',
          'app.kubernetes.io/managed-by': 'etcd-snapshot-operator',
          'app.kubernetes.io/component': 'backup',
        },
        annotations: { [SCHEDULED_TIME_ANNOTATION]: '2026-03-01T06:00:00.000Z' },
      });
      expect(r.job.spec).not.toHaveProperty('ttlSecondsAfterFinished');
      expect(r.job.spec.template.metadata.labels).toEqual(r.job.metadata.labels);
      expect(pod(r).restartPolicy).toBe('Never');
      expect(agent(r)).toMatchObject({
        name: AGENT_CONTAINER_NAME,
        command: ['etcd-snapshot'],
        args: ['agent', 'backup', '--config', AGENT_CONFIG_PATH],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      });
      expect(mountAt(r, AGENT_CONFIG_PATH)).toMatchObject({
        subPath: 'config.json',
        readOnly: true,
      });
      expect(r.configMap.metadata.name).toBe(`${b.metadata!.name}-29540520`);
      expect(r.configMap.metadata.ownerReferences).toEqual(r.job.metadata.ownerReferences);
      // The ConfigMap's JSON is exactly what the agent accepts.
      const parsed = parseBackupAgentConfig(r.configMap.data['config.json']!);
      expect(parsed.config).toEqual(r.config);
      expect(r.config.run).toEqual({
        job: r.job.metadata.name,
        scheduledTime: '2026-03-01T06:00:00.000Z',
        trigger: 'schedule',
      });
    },
  );

  it('fills missing defaults from DEFAULTS', () => {
    const r = build(ambient);
    expect(r.job.spec.backoffLimit).toBe(2);
    expect(r.job.spec.activeDeadlineSeconds).toBe(3600);
    expect(r.config).toMatchObject({
      compression: 'zstd',
      etcd: { dialTimeout: '10s', streamIdleTimeout: '2m' },
    });
    expect(r.config.etcd).not.toHaveProperty('auth');
    expect(r.config).not.toHaveProperty('retention');
    expect(r.config).not.toHaveProperty('encryption');
  });

  it('fails the Job at once on an invalid config (exit 2) and ignores disruptions', () => {
    expect(build(ambient).job.spec.podFailurePolicy.rules).toEqual([
      {
        action: 'FailJob',
        onExitCodes: { containerName: 'agent', operator: 'In', values: [2] },
      },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
  });
});

describe('backupJobSpec: table of placements and destinations', () => {
  it('kubeadm: hostNetwork, control-plane placement, host certs read-only, runs as root', () => {
    const r = build(kubeadm);
    expect(pod(r)).toMatchObject({
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      ],
      securityContext: { runAsNonRoot: false, runAsUser: 0 },
    });
    expect(volume(r, 'etcd-certs')).toEqual({
      name: 'etcd-certs',
      hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'Directory' },
    });
    expect(mountAt(r, '/etc/kubernetes/pki/etcd')).toEqual({
      name: 'etcd-certs',
      mountPath: '/etc/kubernetes/pki/etcd',
      readOnly: true,
    });
    expect(r.config.etcd.tls).toEqual(kubeadm.spec.etcd.tlsFiles);
    expect(r.config.store).toEqual({
      kind: 's3',
      bucket: 'etcd-backups',
      prefix: 'clusters/prod/',
    });
    expect(agent(r).env).toEqual([]);
  });

  it('S3 with a credentials Secret: secretKeyRef env, CA bundle and TLS Secret volumes, all URL options', () => {
    const r = build(withS3Secret);
    expect(agent(r).env).toEqual([
      {
        name: AGENT_ENV.etcdUsername,
        valueFrom: { secretKeyRef: { name: 'etcd-auth', key: 'username' } },
      },
      {
        name: AGENT_ENV.etcdPassword,
        valueFrom: { secretKeyRef: { name: 'etcd-auth', key: 'pw' } },
      },
      {
        name: AGENT_ENV.awsAccessKeyId,
        valueFrom: { secretKeyRef: { name: 's3-creds', key: 'AWS_ACCESS_KEY_ID' } },
      },
      {
        name: AGENT_ENV.awsSecretAccessKey,
        valueFrom: { secretKeyRef: { name: 's3-creds', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
      {
        name: AGENT_ENV.awsSessionToken,
        valueFrom: { secretKeyRef: { name: 's3-creds', key: 'token' } },
      },
    ]);
    expect(volume(r, 'etcd-snapshot-etcd-tls')).toEqual({
      name: 'etcd-snapshot-etcd-tls',
      secret: {
        secretName: 'etcd-client',
        items: [
          { key: 'ca.pem', path: 'ca.crt' },
          { key: 'tls.crt', path: 'tls.crt' },
          { key: 'tls.key', path: 'tls.key' },
        ],
      },
    });
    expect(mountAt(r, AGENT_ETCD_TLS_DIR)?.readOnly).toBe(true);
    expect(volume(r, 'etcd-snapshot-s3-ca')).toEqual({
      name: 'etcd-snapshot-s3-ca',
      secret: { secretName: 'minio-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] },
    });
    expect(mountAt(r, AGENT_CA_BUNDLE_DIR)?.readOnly).toBe(true);
    expect(r.config.etcd).toMatchObject({
      auth: true,
      dialTimeout: '5s',
      tls: {
        caFile: `${AGENT_ETCD_TLS_DIR}/ca.crt`,
        certFile: `${AGENT_ETCD_TLS_DIR}/tls.crt`,
        keyFile: `${AGENT_ETCD_TLS_DIR}/tls.key`,
      },
    });
    expect(r.config.store).toEqual({
      kind: 's3',
      bucket: 'etcd-backups',
      prefix: 'clusters/prod/',
      endpoint: 'https://minio.example:9000',
      region: 'eu-central-1',
      forcePathStyle: true,
      caBundle: `${AGENT_CA_BUNDLE_DIR}/ca.crt`,
      sse: 'aws:kms',
      kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/abcd',
      storageClass: 'STANDARD_IA',
      checksum: 'CRC32C',
      partSizeMiB: 16,
      queueSize: 4,
    });
    expect(r.config.retention).toEqual({ keepLast: 4, maxAge: '30d', maxTotalSize: '1073741824' });
    expect(r.config.compression).toBe('gzip');
    expect(r.job.spec).toMatchObject({ backoffLimit: 5, activeDeadlineSeconds: 5400 });
    expect(pod(r).securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      fsGroup: 65532,
    });
  });

  it('ambient credentials: no secret env, the service account is used, its token not automounted', () => {
    const r = build(ambient);
    expect(agent(r).env).toEqual([]);
    expect(pod(r)).toMatchObject({
      serviceAccountName: 'etcd-backup-irsa',
      automountServiceAccountToken: false,
    });
    expect(pod(r)).not.toHaveProperty('hostNetwork');
    expect(r.config.store).toEqual({
      kind: 's3',
      bucket: 'etcd-backups',
      prefix: '',
      region: 'us-east-1',
    });
  });

  it('volume PVC: mounted read-write at AGENT_VOLUME_DIR, subPath in the store directory', () => {
    const r = build(pvc);
    expect(volume(r, 'etcd-snapshot-store')).toEqual({
      name: 'etcd-snapshot-store',
      persistentVolumeClaim: { claimName: 'backups' },
    });
    expect(mountAt(r, AGENT_VOLUME_DIR)).toEqual({
      name: 'etcd-snapshot-store',
      mountPath: AGENT_VOLUME_DIR,
    });
    expect(r.config.store).toEqual({
      kind: 'file',
      directory: `${AGENT_VOLUME_DIR}/etcd/prod`,
    });
    expect(pod(r).securityContext).toMatchObject({ runAsNonRoot: true });
  });

  it('encryption from a Secret plus inline recipients; a hostPath store runs as root', () => {
    const r = build(encrypted);
    expect(volume(r, 'etcd-snapshot-recipients')).toEqual({
      name: 'etcd-snapshot-recipients',
      secret: {
        secretName: 'age-recipients',
        items: [{ key: 'keys.txt', path: 'recipients.txt' }],
      },
    });
    expect(mountAt(r, AGENT_RECIPIENTS_DIR)?.readOnly).toBe(true);
    expect(r.config.encryption).toEqual({
      recipients: [RECIPIENT],
      recipientsFile: `${AGENT_RECIPIENTS_DIR}/recipients.txt`,
    });
    expect(volume(r, 'etcd-snapshot-store')).toEqual({
      name: 'etcd-snapshot-store',
      hostPath: { path: '/var/backups', type: 'DirectoryOrCreate' },
    });
    expect(pod(r).securityContext).toMatchObject({ runAsUser: 0 });
  });

  it('encryption from a ConfigMap', () => {
    const b = backup('cm', {
      ...pvc.spec,
      encryption: { recipientsFrom: { configMapKeyRef: { name: 'age', key: 'r.txt' } } },
    });
    const r = build(b);
    expect(volume(r, 'etcd-snapshot-recipients')).toEqual({
      name: 'etcd-snapshot-recipients',
      configMap: { name: 'age', items: [{ key: 'r.txt', path: 'recipients.txt' }] },
    });
    expect(r.config.encryption).toEqual({
      recipients: [],
      recipientsFile: `${AGENT_RECIPIENTS_DIR}/recipients.txt`,
    });
  });
});

describe('backupJobSpec: jobTemplate', () => {
  const full = backup('full', {
    ...withS3Secret.spec,
    jobTemplate: {
      metadata: {
        labels: { team: 'platform', 'etcdsnapshot.dev/backup': 'spoofed' },
        annotations: { note: 'x', [SCHEDULED_TIME_ANNOTATION]: 'spoofed' },
      },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      priorityClassName: 'system-cluster-critical',
      securityContext: { runAsUser: 1234, fsGroup: 1234 },
      containerSecurityContext: { readOnlyRootFilesystem: false },
      env: [
        { name: 'HTTPS_PROXY', value: 'http://proxy:3128' },
        { name: AGENT_ENV.awsSecretAccessKey, value: 'user-literal-overridden' },
      ],
      image: 'registry.example/etcd-snapshot:pinned',
      imagePullPolicy: 'Always',
      imagePullSecrets: [{ name: 'registry' }],
    },
  });

  it('merges labels and annotations with ours winning, and passes placement through', () => {
    const r = build(full, { trigger: 'run-now' });
    expect(r.job.metadata.labels).toMatchObject({
      team: 'platform',
      'etcdsnapshot.dev/backup': 'full',
      'etcdsnapshot.dev/trigger': 'run-now',
    });
    expect(r.job.metadata.annotations).toEqual({
      note: 'x',
      [SCHEDULED_TIME_ANNOTATION]: '2026-03-01T06:00:00.000Z',
    });
    expect(pod(r)).toMatchObject({
      affinity: full.spec.jobTemplate!.affinity,
      priorityClassName: 'system-cluster-critical',
      imagePullSecrets: [{ name: 'registry' }],
      securityContext: { runAsNonRoot: true, runAsUser: 1234, fsGroup: 1234 },
    });
    expect(agent(r)).toMatchObject({
      image: 'registry.example/etcd-snapshot:pinned',
      imagePullPolicy: 'Always',
      resources: full.spec.jobTemplate!.resources,
      securityContext: { readOnlyRootFilesystem: false, allowPrivilegeEscalation: false },
    });
  });

  it('appends user env after ours; a user variable named like ours is dropped', () => {
    const env = agent(build(full)).env;
    expect(env.at(-1)).toEqual({ name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
    expect(env.filter((e) => e.name === AGENT_ENV.awsSecretAccessKey)).toHaveLength(1);
    expect(envNamed(build(full), AGENT_ENV.awsSecretAccessKey)?.valueFrom).toBeDefined();
  });

  it('uses the operator image when jobTemplate.image is unset', () => {
    expect(agent(build(ambient)).image).toBe('ghcr.io/etcd-snapshot-operator/etcd-snapshot:0.1.0');
  });
});

describe('backupJobSpec: refuses what the schema should have', () => {
  it.each([
    ['no uid', backup('x', ambient.spec, { uid: undefined }), /metadata.name, namespace and uid/],
    [
      'both TLS sources',
      backup('x', {
        ...ambient.spec,
        etcd: { ...kubeadm.spec.etcd, tlsSecretRef: { name: 's' } },
      }),
      /tlsSecretRef or tlsFiles/,
    ],
    [
      'no destination',
      backup('x', { ...ambient.spec, destination: {} }),
      /exactly one of s3 or volume/,
    ],
    ['a zero timeout', backup('x', { ...ambient.spec, snapshotTimeout: '0' }), /longer than 0/],
    ['a bad timeout', backup('x', { ...ambient.spec, snapshotTimeout: 'soon' }), /snapshotTimeout/],
  ])('%s', (_name, b, message) => {
    expect(() => build(b)).toThrow(JobSpecError);
    expect(() => build(b)).toThrow(message);
  });
});

describe('backupJobSpec: no secret value can appear', () => {
  /**
   * By construction: the function takes only the EtcdBackup (names and keys
   * of Secrets) and never a Secret. Every env var is a secretKeyRef or a
   * user-given literal, and every Secret reaches the Pod as a volume.
   */
  it.each(
    [kubeadm, withS3Secret, ambient, pvc, encrypted].map((b) => [b.metadata!.name!, b] as const),
  )(
    '%s: credentials only as secretKeyRef; the agent config holds no credential field',
    (_name, b) => {
      const r = build(b);
      const credentialVars: string[] = Object.values(AGENT_ENV);
      for (const e of agent(r).env as EnvVarShape[]) {
        if (credentialVars.includes(e.name)) {
          expect(e.value).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef).toEqual({
            name: expect.any(String),
            key: expect.any(String),
          });
        }
      }
      const json = JSON.stringify(r);
      expect(json).not.toMatch(/"(password|secretAccessKey|sessionToken|token)"\s*:/i);
      const config: BackupAgentConfig = JSON.parse(r.configMap.data['config.json']!);
      expect(JSON.stringify(config.store)).not.toMatch(/@|X-Amz-|Credential|Signature/);
    },
  );

  it('serialised, Job and ConfigMap hold references only: no inline Secret data, no literal but the user env', () => {
    // What the Secrets would hold in a cluster; the function never receives it.
    const secretData: Record<string, Record<string, string>> = {
      'etcd-auth': { username: 'root', pw: 'etcd-pa55-VALUE' },
      's3-creds': {
        AWS_ACCESS_KEY_ID: 'AKIAVALUE0000',
        AWS_SECRET_ACCESS_KEY: 'wJalr-SECRET-VALUE',
        token: 'FwoG-SESSION-VALUE',
      },
      'etcd-client': { 'ca.pem': 'CA-PEM-VALUE', 'tls.crt': 'CRT-VALUE', 'tls.key': 'KEY-VALUE' },
      'minio-ca': { 'ca.pem': 'MINIO-CA-VALUE' },
    };
    const user = [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }];
    const r = build(backup('all', { ...withS3Secret.spec, jobTemplate: { env: user } }));
    const text = JSON.stringify({ job: r.job, configMap: r.configMap });
    for (const values of Object.values(secretData))
      for (const value of Object.values(values)) expect(text).not.toContain(value);
    expect(JSON.stringify(r.job)).not.toMatch(/"(data|stringData)":/);
    expect(agent(r).env.filter((e) => e.value !== undefined)).toEqual(user);
    const refs = agent(r).env.flatMap((e) =>
      e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [],
    );
    const volumes = pod(r).volumes.flatMap((v) =>
      'secret' in v
        ? [(v as { secret: { secretName: string; items: { key: string }[] } }).secret]
        : [],
    );
    // Every reference names a Secret and a key that exist in it: references, never values.
    for (const ref of refs) expect(secretData[ref.name]).toHaveProperty([ref.key]);
    for (const vol of volumes) {
      expect(Object.keys(vol).sort()).toEqual(['items', 'secretName']);
      for (const item of vol.items) expect(secretData[vol.secretName]).toHaveProperty([item.key]);
    }
    expect(refs).toHaveLength(5);
    expect(volumes).toHaveLength(2);
  });
});

describe('the store config a Job gets', () => {
  it('carries awkward prefixes and values as they are, and passes the agent check', () => {
    const store = s3Wiring(
      {
        bucket: 'bkt',
        prefix: 'a b/#c?/',
        endpoint: 'http://127.0.0.1:9000',
        kmsKeyId: 'arn:aws:kms:r:1:key/a+b=',
        sse: 'aws:kms',
        caBundleSecretRef: { name: 'ca' },
      },
      'spec.destination.s3',
    ).store;
    expect(validateStoreConfig(store)).toMatchObject({
      prefix: 'a b/#c?/',
      endpoint: 'http://127.0.0.1:9000',
      kmsKeyId: 'arn:aws:kms:r:1:key/a+b=',
      caBundle: `${AGENT_CA_BUNDLE_DIR}/ca.crt`,
    });
  });
});
