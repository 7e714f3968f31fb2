import { Type, type Static } from '@sinclair/typebox';
import {
  DEFAULTS,
  KINDS,
  RESTORE_CONDITIONS,
  RESTORE_PROGRESS_PHASES,
  STATUS_LIMITS,
} from './constants.js';
import { conditionList, EtcdConnection, KeySelector } from './common.js';
import { Destination } from './destination.js';
import { JobTemplate } from './job-template.js';
import { resourceSchema } from './resource.js';
import {
  BYTE_QUANTITY_PATTERN,
  bool,
  cel,
  duration,
  int,
  int64,
  intOrString,
  list,
  obj,
  objectName,
  str,
  stringEnum,
  timestamp,
} from './schema.js';

const { Optional } = Type;

export const RESTORE_MODES = ['Logical', 'DataDir'] as const;
export const RESTORE_PHASES = [
  'Pending',
  'Validating',
  'Downloading',
  'Restoring',
  'Verifying',
  'Completed',
  'Failed',
] as const;
export type RestorePhase = (typeof RESTORE_PHASES)[number];
export const MEMBER_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;

const objectKey = (description: string) =>
  str(description, { minLength: 1, maxLength: 1024, pattern: '^[^/]' });

export const RestoreSource = obj(
  'The snapshot to restore: from an EtcdBackup, or from a destination and key.',
  {
    backupRef: Optional(
      obj(
        'An EtcdBackup in the same namespace; its destination and encryption settings are used.',
        {
          name: objectName('Name of the EtcdBackup.'),
          snapshot: Optional(
            str("latest, or an object key as in the EtcdBackup's status.lastSnapshot.key.", {
              default: DEFAULTS.snapshot,
              minLength: 1,
              maxLength: 1024,
            }),
          ),
          latestBefore: Optional(
            timestamp('With snapshot latest: the newest snapshot taken before this time.'),
          ),
        },
        cel({
          rule: "!has(self.latestBefore) || self.snapshot == 'latest'",
          message:
            'latestBefore picks among all snapshots: set snapshot to latest or remove latestBefore',
          fieldPath: '.latestBefore',
        }),
      ),
    ),
    destination: Optional(Destination),
    key: Optional(objectKey('Object key of the snapshot in destination, relative to its prefix.')),
    decryptionSecretRef: Optional(
      KeySelector(
        'Secret',
        'Secret key with the age identity that decrypts an encrypted snapshot.',
        DEFAULTS.identityKey,
      ),
    ),
  },
  cel(
    {
      rule: 'has(self.backupRef) != has(self.destination)',
      message: 'source needs exactly one of backupRef or destination (with key)',
    },
    {
      rule: 'has(self.destination) == has(self.key)',
      message: 'source.destination and source.key go together: set both',
    },
  ),
);

export const LogicalRestore = obj("Write the snapshot's keys into a running etcd cluster.", {
  etcd: EtcdConnection,
  prefix: Optional(
    str('Restore only keys under this prefix; all keys when empty.', {
      default: DEFAULTS.logicalPrefix,
    }),
  ),
  overwrite: Optional(
    bool(
      'Overwrite keys that exist in the target; when false, a non-empty target stops the restore.',
      {
        default: DEFAULTS.overwrite,
      },
    ),
  ),
  compact: Optional(
    bool(
      "After clearing the range and before writing: compact the target to its current revision, defragment each endpoint one at a time and disarm a NOSPACE alarm, so restoring again and again does not grow it. Drops the target's whole history (every key, not only the prefix) and blocks each member while it defragments: for resetting test clusters, never a shared production etcd without intent.",
      { default: DEFAULTS.compact },
    ),
  ),
  maxTxnOps: Optional(
    int("The target's --max-txn-ops: puts per write transaction.", {
      minimum: 1,
      maximum: 1_000_000,
      default: DEFAULTS.maxTxnOps,
    }),
  ),
  maxRequestBytes: Optional(
    intOrString(
      "The target's --max-request-bytes, e.g. 1.5Mi or 10Mi: each write transaction stays 4 KiB under it, and a value that cannot fails the restore before anything changes (ValueTooLarge). At least 64Ki.",
      BYTE_QUANTITY_PATTERN,
    ),
  ),
});

export const DataDirMember = obj(
  'One etcd member whose data directory is rebuilt from the snapshot.',
  {
    name: str('etcd member name (--name).', { minLength: 1, maxLength: 253 }),
    peerURL: str(
      "The member's peer URL (--initial-advertise-peer-urls), e.g. https://10.0.0.10:2380.",
      {
        pattern: '^https?://[^\\s/?#@]+/?$',
      },
    ),
    nodeName: Optional(
      str('Node the restore Job runs on; required with hostPath.', { maxLength: 253 }),
    ),
    hostPath: Optional(
      obj('The data directory on the node.', {
        path: str('Absolute path of the data directory, e.g. /var/lib/etcd.', {
          pattern: '^/',
          maxLength: 4096,
        }),
      }),
    ),
    persistentVolumeClaim: Optional(
      obj('A PersistentVolumeClaim holding the data directory.', {
        claimName: objectName('Name of the claim.'),
      }),
    ),
    dataDirSubPath: Optional(
      str('Data directory inside the volume, relative.', { pattern: '^[^/]', maxLength: 1024 }),
    ),
  },
  cel(
    {
      rule: 'has(self.hostPath) != has(self.persistentVolumeClaim)',
      message: 'a member needs exactly one of hostPath or persistentVolumeClaim',
    },
    {
      rule: '!has(self.hostPath) || has(self.nodeName)',
      message: 'a hostPath member needs nodeName: the data directory lives on that node',
      fieldPath: '.nodeName',
    },
  ),
);

export const DataDirRestore = obj(
  'Rebuild member data directories (etcdutl snapshot restore) for a stopped cluster. The existing data directory is kept as a sibling.',
  {
    members: list('Every member of the restored cluster.', DataDirMember, {
      minItems: 1,
      maxItems: 9,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
    initialClusterToken: Optional(
      str('--initial-cluster-token of the new cluster; generated when unset.', { maxLength: 253 }),
    ),
    initialCluster: Optional(
      str('--initial-cluster; derived from members when unset.', { maxLength: 4096 }),
    ),
    bumpRevision: Optional(
      int64(
        'Add this to the restored revision so watchers (kube-apiserver caches) must relist; 0 disables.',
        {
          minimum: 0,
          default: DEFAULTS.bumpRevision,
        },
      ),
    ),
    markCompacted: Optional(
      bool('Mark the restored revisions compacted, so old watches fail instead of replaying.', {
        default: DEFAULTS.markCompacted,
      }),
    ),
  },
  cel({
    rule: '!has(self.markCompacted) || !self.markCompacted || (has(self.bumpRevision) && self.bumpRevision > 0)',
    message: 'markCompacted needs bumpRevision > 0: set bumpRevision or markCompacted: false',
  }),
);

export const EtcdRestoreSpec = obj(
  'What to restore and how. Immutable: create a new EtcdRestore to restore again.',
  {
    source: RestoreSource,
    mode: stringEnum(
      RESTORE_MODES,
      'Logical writes keys into a running cluster; DataDir rebuilds member data directories.',
    ),
    logical: Optional(LogicalRestore),
    dataDir: Optional(DataDirRestore),
    dryRun: Optional(
      bool('Resolve, download and verify the snapshot, report its content, change nothing.', {
        default: DEFAULTS.dryRun,
      }),
    ),
    restoreTimeout: Optional(
      duration('Deadline of the restore.', { default: DEFAULTS.restoreTimeout }),
    ),
    jobTemplate: Optional(JobTemplate),
  },
  cel(
    {
      rule: 'self == oldSelf',
      message: 'spec is immutable: delete this EtcdRestore and create a new one',
    },
    {
      rule: "self.mode != 'Logical' || has(self.logical)",
      message: 'mode Logical needs logical: set logical.etcd',
    },
    {
      rule: "self.mode != 'DataDir' || has(self.dataDir)",
      message: 'mode DataDir needs dataDir with at least one member',
    },
    {
      rule: "!has(self.logical) || self.mode == 'Logical'",
      message: 'logical is only used with mode Logical: remove it or set mode: Logical',
    },
    {
      rule: "!has(self.dataDir) || self.mode == 'DataDir'",
      message: 'dataDir is only used with mode DataDir: remove it or set mode: DataDir',
    },
  ),
);
export type EtcdRestoreSpec = Static<typeof EtcdRestoreSpec>;

const contentCounts = (description: string) =>
  list(
    description,
    obj('Keys and bytes of one group.', {
      name: str('Resource (group/resource) or namespace.'),
      keys: int64('Live keys.'),
      bytes: int64('Live bytes.'),
    }),
    { maxItems: STATUS_LIMITS.contentEntries },
  );

export const EtcdRestoreStatus = obj('Observed progress of the restore.', {
  phase: Optional(stringEnum(RESTORE_PHASES, 'Where the restore is.')),
  conditions: Optional(conditionList(Object.values(RESTORE_CONDITIONS))),
  observedGeneration: Optional(int64('The metadata.generation last reconciled.')),
  snapshot: Optional(
    obj('The resolved snapshot.', {
      uri: Optional(str('Where it is.')),
      key: Optional(str('Object key relative to the destination.')),
      revision: Optional(str('etcd revision (int64, as a string).')),
      sha256: Optional(str('sha256 of the etcd database, hex.')),
      etcdVersion: Optional(str('Version of the etcd it was taken from.')),
      content: Optional(
        obj('What the snapshot holds (live keys at its revision).', {
          revision: str('Revision the content was read at.'),
          liveKeys: int64('Live keys.'),
          liveBytes: int64('Live bytes.'),
          resources: Optional(
            contentCounts(`Largest Kubernetes resources, at most ${STATUS_LIMITS.contentEntries}.`),
          ),
          namespaces: Optional(
            contentCounts(`Largest namespaces, at most ${STATUS_LIMITS.contentEntries}.`),
          ),
        }),
      ),
    }),
  ),
  members: Optional(
    list(
      'DataDir progress per member.',
      obj('One member.', {
        name: str('Member name.'),
        phase: stringEnum(MEMBER_PHASES, 'Pending, Running, Succeeded or Failed.'),
        job: Optional(str('The restore Job.')),
        message: Optional(str('What happened.')),
        dataDir: Optional(str('The restored data directory.')),
        previousDataDir: Optional(str('Where the previous data directory was moved.')),
      }),
      { maxItems: 9 },
    ),
  ),
  progress: Optional(
    obj(
      'How far the running restore Job(s) got, as the agent last logged it; removed once the restore ends.',
      {
        phase: stringEnum(RESTORE_PROGRESS_PHASES, 'What the agent is doing.'),
        bytes: Optional(
          int64('Downloading: stored bytes downloaded; Writing: value bytes written.'),
        ),
        totalBytes: Optional(int64('Downloading: stored bytes in all.')),
        keys: Optional(int64('Writing: keys written.')),
        totalKeys: Optional(int64('Writing: keys to write in all.')),
        percent: Optional(int('Done, 0-100, of the current phase.', { minimum: 0, maximum: 100 })),
        updateTime: timestamp('When the agent logged it.'),
      },
    ),
  ),
  startTime: Optional(timestamp('When the restore started.')),
  completionTime: Optional(timestamp('When it completed or failed.')),
  message: Optional(str('Summary for people.')),
});
export type EtcdRestoreStatus = Static<typeof EtcdRestoreStatus>;

export const EtcdRestoreSchema = resourceSchema(
  KINDS.restore,
  'EtcdRestore restores an etcd snapshot, logically into a running cluster or as member data directories.',
  EtcdRestoreSpec,
  EtcdRestoreStatus,
);
export type EtcdRestore = Static<typeof EtcdRestoreSchema>;
