import {
  API_VERSION,
  KINDS,
  type EtcdBackup,
  type EtcdRestore,
} from '../../src/api/v1alpha1/index.js';

/** The smallest valid EtcdBackup: everything else comes from schema defaults. */
export function minimalBackup(name = 'nightly'): EtcdBackup {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.backup,
    metadata: { name },
    spec: {
      etcd: { endpoints: ['https://127.0.0.1:2379'], tlsSecretRef: { name: 'etcd-client' } },
      destination: { s3: { bucket: 'etcd-backups' } },
    },
  };
}

/** Every spec field set: kubeadm control-plane placement, S3 with KMS, encryption, retention. */
export const fullBackup: EtcdBackup = {
  apiVersion: API_VERSION,
  kind: KINDS.backup,
  metadata: { name: 'prod', namespace: 'etcd-backups', labels: { team: 'platform' } },
  spec: {
    etcd: {
      endpoints: ['https://10.0.0.10:2379', 'https://10.0.0.11:2379'],
      tlsFiles: {
        caFile: '/etc/kubernetes/pki/etcd/ca.crt',
        certFile: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
        keyFile: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
      },
      authSecretRef: { name: 'etcd-auth' },
      dialTimeout: '5s',
      streamIdleTimeout: '5m',
    },
    schedule: '0 */6 * * *',
    timeZone: 'Europe/Berlin',
    suspend: false,
    startingDeadlineSeconds: 300,
    concurrencyPolicy: 'Replace',
    destination: {
      s3: {
        bucket: 'etcd-backups',
        prefix: 'clusters/prod/',
        endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        forcePathStyle: false,
        caBundleConfigMapRef: { name: 'corp-ca' },
        credentialsSecretRef: { name: 's3-creds', sessionTokenKey: 'AWS_SESSION_TOKEN' },
        sse: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/abcd',
        storageClass: 'STANDARD_IA',
        checksum: 'CRC32C',
        partSizeMiB: 16,
        queueSize: 4,
      },
    },
    compression: 'gzip',
    encryption: {
      recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
      recipientsFrom: { secretKeyRef: { name: 'age-recipients', key: 'recipients.txt' } },
    },
    retention: {
      keepLast: 4,
      keepDaily: 7,
      keepWeekly: 4,
      keepMonthly: 12,
      maxAge: '400d',
      maxTotalSize: '50Gi',
    },
    snapshotTimeout: '2h',
    backoffLimit: 3,
    jobTemplate: {
      metadata: { labels: { app: 'etcd-backup' }, annotations: { note: 'x' } },
      nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
      tolerations: [
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      ],
      affinity: { nodeAffinity: {} },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      serviceAccountName: 'etcd-backup',
      hostNetwork: true,
      priorityClassName: 'system-cluster-critical',
      securityContext: { runAsUser: 0 },
      containerSecurityContext: { readOnlyRootFilesystem: true },
      volumes: [
        { name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'Directory' } },
      ],
      volumeMounts: [{ name: 'etcd-certs', mountPath: '/etc/kubernetes/pki/etcd', readOnly: true }],
      env: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
      image: 'ghcr.io/example/etcd-snapshot-operator:v0.1.0',
      imagePullPolicy: 'IfNotPresent',
      imagePullSecrets: [{ name: 'registry' }],
    },
    successfulRunsHistoryLimit: 5,
    failedRunsHistoryLimit: 2,
    deletionPolicy: 'Delete',
    staleAfter: '12h',
  },
  status: {
    observedGeneration: 3,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Succeeded',
        message: 'last snapshot verified',
        lastTransitionTime: '2026-03-01T06:01:30Z',
        observedGeneration: 3,
      },
    ],
    lastScheduleTime: '2026-03-01T06:00:00Z',
    nextScheduleTime: '2026-03-01T12:00:00Z',
    lastSuccessfulTime: '2026-03-01T06:01:30Z',
    lastSnapshot: {
      uri: 's3://etcd-backups/clusters/prod/prod/20260301T060000Z-r00000000000000012345.db.gz.age',
      key: 'prod/20260301T060000Z-r00000000000000012345.db.gz.age',
      size: 104857600,
      storedSize: 20971520,
      storedSizeHuman: '20 MiB',
      sha256: 'ab'.repeat(32),
      revision: '12345',
      etcdVersion: '3.6.16',
      clusterId: 'cdf818194e3a8c32',
      duration: '1m30s',
      time: '2026-03-01T06:00:00Z',
    },
    active: [],
    history: [
      {
        job: 'prod-29540520',
        startTime: '2026-03-01T06:00:00Z',
        completionTime: '2026-03-01T06:01:30Z',
        result: 'Succeeded',
        snapshotKey: 'prod/20260301T060000Z-r00000000000000012345.db.gz.age',
      },
    ],
    consecutiveFailures: 0,
    lastError: { reason: 'EtcdUnreachable', message: 'dial timeout', time: '2026-02-28T18:00:10Z' },
    retention: {
      snapshots: 20,
      totalStoredBytes: 419430400,
      lastPruneTime: '2026-03-01T06:01:31Z',
      removedLastRun: 1,
    },
    lastRunNowToken: '2026-02-27T10:00:00Z',
  },
};

export function minimalLogicalRestore(name = 'restore-1'): EtcdRestore {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.restore,
    metadata: { name },
    spec: {
      source: { backupRef: { name: 'nightly' } },
      mode: 'Logical',
      logical: { etcd: { endpoints: ['http://127.0.0.1:2379'] } },
    },
  };
}

export const dataDirRestore: EtcdRestore = {
  apiVersion: API_VERSION,
  kind: KINDS.restore,
  metadata: { name: 'disaster', namespace: 'kube-system' },
  spec: {
    source: {
      destination: { volume: { hostPath: { path: '/var/backups/etcd' }, subPath: 'prod' } },
      key: 'prod/20260301T060000Z-r00000000000000012345.db.zst',
      decryptionSecretRef: { name: 'age-identity' },
    },
    mode: 'DataDir',
    dataDir: {
      members: [
        {
          name: 'cp-1',
          peerURL: 'https://10.0.0.10:2380',
          nodeName: 'cp-1',
          hostPath: { path: '/var/lib/etcd' },
        },
        {
          name: 'cp-2',
          peerURL: 'https://10.0.0.11:2380',
          persistentVolumeClaim: { claimName: 'etcd-cp-2' },
          dataDirSubPath: 'member-data',
        },
      ],
      initialClusterToken: 'restored-2026-03-01',
      bumpRevision: 1000000000,
      markCompacted: true,
    },
    dryRun: true,
    restoreTimeout: '90m',
  },
  status: {
    phase: 'Restoring',
    conditions: [
      {
        type: 'ChecksumVerified',
        status: 'True',
        reason: 'ChecksumVerified',
        message: 'sha256 matches',
        lastTransitionTime: '2026-03-01T07:00:00Z',
      },
    ],
    observedGeneration: 1,
    snapshot: {
      key: 'prod/20260301T060000Z-r00000000000000012345.db.zst',
      revision: '12345',
      sha256: 'cd'.repeat(32),
      etcdVersion: '3.6.16',
      content: {
        revision: '12345',
        liveKeys: 1500,
        liveBytes: 8388608,
        resources: [{ name: 'secrets', keys: 200, bytes: 1048576 }],
        namespaces: [{ name: 'kube-system', keys: 300, bytes: 2097152 }],
      },
    },
    members: [{ name: 'cp-1', phase: 'Running', job: 'disaster-cp-1' }],
    startTime: '2026-03-01T06:59:00Z',
    message: 'restoring 2 members',
  },
};
