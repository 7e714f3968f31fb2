import { Type, type Static } from '@sinclair/typebox';
import { BACKUP_CONDITIONS, COMPRESSIONS, DEFAULTS, KINDS, STATUS_LIMITS } from './constants.js';
import { conditionList, Encryption, EtcdConnection } from './common.js';
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
  str,
  stringEnum,
  timestamp,
} from './schema.js';

const { Optional } = Type;

/** Five cron fields, or one of the macros; the controller parses it and reports InvalidSchedule. */
export const SCHEDULE_PATTERN =
  '^(?:@(?:yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+)$';
const count = (description: string) => Optional(int(description, { minimum: 1 }));

export const Retention = obj(
  "Which snapshots to keep. Count rules are a union (a snapshot stays when any selects it); maxAge and maxTotalSize are caps that win over counts; the newest verified snapshot is always kept. Pruning runs only after a successful snapshot and only touches this backup's own objects. Unset keeps everything.",
  {
    keepLast: count('Keep the N newest snapshots.'),
    keepHourly: count('Keep the newest snapshot of each of the last N UTC hours that have one.'),
    keepDaily: count('Keep the newest snapshot of each of the last N UTC days that have one.'),
    keepWeekly: count('Keep the newest snapshot of each of the last N ISO weeks that have one.'),
    keepMonthly: count('Keep the newest snapshot of each of the last N UTC months that have one.'),
    maxAge: Optional(duration('Remove snapshots older than this, e.g. 30d or 12w.')),
    maxTotalSize: Optional(
      intOrString(
        'Remove the oldest snapshots once the stored total exceeds this, e.g. 50Gi.',
        BYTE_QUANTITY_PATTERN,
      ),
    ),
  },
);

export const EtcdBackupSpec = obj(
  'Desired state: what to snapshot, when, where to, and how long to keep it.',
  {
    etcd: EtcdConnection,
    schedule: Optional(
      str(
        'Cron schedule, five fields (minute hour day-of-month month day-of-week) or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. Unset: one snapshot, once.',
        { pattern: SCHEDULE_PATTERN, maxLength: 256 },
      ),
    ),
    timeZone: Optional(
      str('IANA time zone of the schedule, e.g. Europe/Berlin; UTC when unset.', {
        pattern: '^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$',
        maxLength: 64,
      }),
    ),
    suspend: Optional(
      bool('Stop starting new runs; running ones finish.', { default: DEFAULTS.suspend }),
    ),
    startingDeadlineSeconds: Optional(
      int64('Skip a scheduled run that could not start within this many seconds of its time.', {
        minimum: 0,
      }),
    ),
    concurrencyPolicy: Optional(
      stringEnum(
        ['Forbid', 'Replace'],
        'When a run is due while one is active: Forbid skips it, Replace stops the active one.',
        {
          default: DEFAULTS.concurrencyPolicy,
        },
      ),
    ),
    destination: Destination,
    compression: Optional(
      stringEnum(COMPRESSIONS, 'Compression of stored snapshots.', {
        default: DEFAULTS.compression,
      }),
    ),
    encryption: Optional(Encryption),
    retention: Optional(Retention),
    snapshotTimeout: Optional(
      duration('Deadline of one run, sized for an 8 GiB database by default.', {
        default: DEFAULTS.snapshotTimeout,
      }),
    ),
    backoffLimit: Optional(
      int('Retries of a failed run within its deadline.', {
        minimum: 0,
        maximum: 20,
        default: DEFAULTS.backoffLimit,
      }),
    ),
    jobTemplate: Optional(JobTemplate),
    successfulRunsHistoryLimit: Optional(
      int('Finished successful Jobs to keep.', {
        minimum: 0,
        maximum: 100,
        default: DEFAULTS.successfulRunsHistoryLimit,
      }),
    ),
    failedRunsHistoryLimit: Optional(
      int('Failed Jobs to keep, for their logs.', {
        minimum: 0,
        maximum: 100,
        default: DEFAULTS.failedRunsHistoryLimit,
      }),
    ),
    deletionPolicy: Optional(
      stringEnum(
        ['Retain', 'Delete'],
        'What happens to stored snapshots when this EtcdBackup is deleted.',
        {
          default: DEFAULTS.deletionPolicy,
        },
      ),
    ),
    staleAfter: Optional(
      duration(
        'Set condition Stale when the last success is older than this; derived from the schedule when unset.',
      ),
    ),
  },
  cel({
    rule: '!has(self.timeZone) || has(self.schedule)',
    message: 'timeZone applies to a schedule: set schedule or remove timeZone',
    fieldPath: '.timeZone',
  }),
);
export type EtcdBackupSpec = Static<typeof EtcdBackupSpec>;

export const SnapshotInfo = obj('The newest successful snapshot.', {
  uri: str(
    'Where it is, e.g. s3://bucket/prefix/nightly/20260301T020000Z-r00000000000000012345.db.zst.',
  ),
  key: str('Object key relative to the destination; use it as an EtcdRestore snapshot.'),
  size: Optional(int64('Size of the etcd database in bytes.')),
  storedSize: Optional(
    int64('Size of the stored object in bytes, after compression and encryption.'),
  ),
  storedSizeHuman: Optional(str('storedSize for people, e.g. 1.5 GiB; the SIZE column.')),
  sha256: Optional(str('sha256 of the etcd database, hex.')),
  revision: Optional(str('etcd revision of the snapshot (int64, as a string).')),
  etcdVersion: Optional(str('Version of the etcd member it was taken from.')),
  clusterId: Optional(str('etcd cluster id, hex.')),
  duration: Optional(str('How long the run took, e.g. 1m30s.')),
  time: Optional(timestamp('When the snapshot was taken.')),
});

const RunResult = stringEnum(['Succeeded', 'Failed'], 'Succeeded or Failed.');

export const EtcdBackupStatus = obj(
  'Observed state, rebuilt by the controller from Jobs and the store.',
  {
    observedGeneration: Optional(int64('The metadata.generation last reconciled.')),
    conditions: Optional(conditionList(Object.values(BACKUP_CONDITIONS))),
    lastScheduleTime: Optional(timestamp('The last time a run was scheduled.')),
    nextScheduleTime: Optional(
      timestamp('The next scheduled run; unset when suspended or run once.'),
    ),
    lastSuccessfulTime: Optional(timestamp('When the last successful run completed.')),
    lastSnapshot: Optional(SnapshotInfo),
    active: Optional(
      list(
        'Runs in progress.',
        obj('A running Job.', {
          name: str('Job name.'),
          startTime: Optional(timestamp('When it started.')),
        }),
        { maxItems: STATUS_LIMITS.active },
      ),
    ),
    history: Optional(
      list(
        `The last ${STATUS_LIMITS.history} finished runs, newest first.`,
        obj('A finished run.', {
          job: str('Job name.'),
          startTime: Optional(timestamp('When it started.')),
          completionTime: Optional(timestamp('When it finished.')),
          result: RunResult,
          reason: Optional(str('CamelCase reason.')),
          message: Optional(str('What happened.')),
          snapshotKey: Optional(str('The object key written, on success.')),
        }),
        { maxItems: STATUS_LIMITS.history },
      ),
    ),
    consecutiveFailures: Optional(int('Failed runs since the last success.', { minimum: 0 })),
    lastError: Optional(
      obj('The most recent failure.', {
        reason: str('CamelCase reason.'),
        message: str('What happened, and what to do about it.'),
        time: timestamp('When it happened.'),
      }),
    ),
    retention: Optional(
      obj('The stored snapshots after the last prune.', {
        snapshots: Optional(int('Verified snapshots kept.', { minimum: 0 })),
        totalStoredBytes: Optional(int64('Their total stored size in bytes.', { minimum: 0 })),
        lastPruneTime: Optional(timestamp('When retention last ran.')),
        removedLastRun: Optional(int('Snapshots the last prune removed.', { minimum: 0 })),
      }),
    ),
    lastRunNowToken: Optional(str('The run-now annotation value last acted on.')),
  },
);
export type EtcdBackupStatus = Static<typeof EtcdBackupStatus>;

export const EtcdBackupSchema = resourceSchema(
  KINDS.backup,
  'EtcdBackup takes scheduled, verified snapshots of an etcd cluster, stores them in S3 or a volume and prunes them by retention.',
  EtcdBackupSpec,
  EtcdBackupStatus,
  cel({
    // The name becomes a folder in the store (a DNS-1123 label, domain/snapshot-naming.ts)
    // and, with a "-<unix minutes>" suffix, a Job name whose label value must fit 63 chars.
    rule: "size(self.metadata.name) <= 52 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
    message:
      'EtcdBackup names name Jobs and the snapshot folder: use at most 52 lower-case letters, digits and "-"',
  }),
);
export type EtcdBackup = Static<typeof EtcdBackupSchema>;
