import {
  API_VERSION,
  BACKUP_CONDITIONS,
  KINDS,
  REASONS,
  RUN_NOW_ANNOTATION,
  type EtcdBackup,
} from '../../src/api/v1alpha1/index.js';
import { EVENT_REASONS } from '../../src/controller/backup/plan.js';
import { useTestBed } from '../support/bed-suite.js';
import { BackupFixture } from '../support/backups.js';
import { startBadInputEnvironment, type BadInputEnvironment } from '../support/bad-input-env.js';
import { leaksOf } from '../support/leaks.js';
import { startOperator } from '../support/operator.js';
import type { ManagedProcess } from '../support/testbed/managed-process.js';
import { freePort } from '../support/testbed/ports.js';
import { argoHealth } from '../support/argo-health.js';

/**
 * Bad input is reported, not retried hot: each case gets its own EtcdBackup,
 * and every case runs at once against one operator (they are independent),
 * then each `it` awaits its own. For spec problems: Ready False, a stable
 * reason, a message naming the field or Secret to fix, a Warning Event and no
 * Job. For run failures: LastBackupSucceeded False with the agent's reason and
 * a BackupFailed Event, one Job, and recovery once the input is fixed.
 */

const bed = useTestBed();
const ns = 'bad-input';
const fx = new BackupFixture(bed, ns, 'bad-input', 'bad-input/');
const { ready, lastBackupSucceeded } = BACKUP_CONDITIONS;
let env: BadInputEnvironment;
let operator: ManagedProcess;
const cases = new Map<string, Promise<void>>();

/** A spec that would succeed: the bed's etcd to the bed's bucket, run once, no retries. */
function goodSpec(): EtcdBackup['spec'] {
  return {
    etcd: { endpoints: [bed().etcd.endpoint] },
    destination: fx.destination(),
    backoffLimit: 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectNoJobs(name: string): Promise<void> {
  expect(await fx.jobs(name)).toEqual([]);
}

/** A spec problem: Ready False with `reason`, the hint in the message and the Event, no Job. */
async function expectSpecProblem(name: string, reason: string, hints: string[]): Promise<void> {
  const { backup, condition } = await fx.waitForCondition(name, ready, 'False');
  expect(condition.reason).toBe(reason);
  for (const hint of hints) expect(condition.message).toContain(hint);
  // What Argo CD shows, from the shipped health check (deploy/argocd/).
  expect(await argoHealth('EtcdBackup', backup)).toEqual({
    status: 'Degraded',
    message: `${reason}: ${condition.message}`,
  });
  const event = await fx.waitForWarning(name, reason);
  expect(event.note).toBe(condition.message);
  await expectNoJobs(name);
}

/** A failed run: LastBackupSucceeded False with `reason`, the hint, a BackupFailed Event. */
async function expectRunFailure(name: string, reason: string, hints: RegExp[]) {
  const { backup, condition } = await fx.waitForCondition(name, lastBackupSucceeded, 'False');
  expect(condition.reason).toBe(reason);
  for (const hint of hints) expect(condition.message).toMatch(hint);
  expect(await argoHealth('EtcdBackup', backup)).toEqual({
    status: 'Degraded',
    message: `${reason}: ${condition.message}`,
  });
  expect(backup.status?.consecutiveFailures).toBe(1);
  expect(backup.status?.lastError?.reason).toBe(reason);
  // The spec is fine: a failed run is not a spec problem.
  expect(backup.status?.conditions?.find((c) => c.type === ready)?.status).toBe('True');
  const event = await fx.waitForWarning(name, EVENT_REASONS.backupFailed);
  expect(event.note).toContain(`: ${reason}: `);
  return backup;
}

/**
 * Credentials Secret `secret` missing or incomplete: SecretNotFound with
 * `hints`; once it holds the credentials, Ready and the backup succeeds.
 */
async function expectCredentialsLater(name: string, secret: string, hints: string[]) {
  await fx.create(name, {
    ...goodSpec(),
    destination: fx.destination({ credentialsSecretRef: { name: secret } }),
  });
  await expectSpecProblem(name, REASONS.secretNotFound, hints);
  await fx.putSecret(secret, env.s3Credentials);
  await fx.waitForCondition(name, ready, 'True');
  await fx.waitForCondition(name, lastBackupSucceeded, 'True');
}

async function fixAndRunNow(name: string, token: string, patch: object = {}): Promise<void> {
  await fx.mergePatch(name, {
    ...patch,
    metadata: { annotations: { [RUN_NOW_ANNOTATION]: token } },
  });
  const { backup } = await fx.waitForCondition(name, lastBackupSucceeded, 'True');
  expect(backup.status?.lastRunNowToken).toBe(token);
  expect(backup.status?.consecutiveFailures).toBe(0);
}

const CASES: Record<string, () => Promise<void>> = {
  async admission() {
    const manifest = (name: string, spec: object) => ({
      apiVersion: API_VERSION,
      kind: KINDS.backup,
      metadata: { name },
      spec: { ...goodSpec(), ...spec },
    });
    await expect(
      fx.apply(manifest('words', { schedule: 'every night' }), 'words.json'),
    ).rejects.toThrow(/spec\.schedule: Invalid value: "every night"/);
    await expect(
      fx.apply(manifest('zone-only', { timeZone: 'Europe/Berlin' }), 'zone-only.json'),
    ).rejects.toThrow(/spec\.timeZone: .*timeZone applies to a schedule: set schedule or remove/);
    await expect(fx.get('words')).rejects.toThrow();
  },

  async impossibleSchedule() {
    await fx.create('feb-31', { ...goodSpec(), schedule: '0 0 31 2 *' });
    await expectSpecProblem('feb-31', REASONS.invalidSchedule, ['spec.schedule', '"0 0 31 2 *"']);
  },

  async unknownTimeZone() {
    const spec = { ...goodSpec(), schedule: '0 3 1 1 *', timeZone: 'Mars/Olympus' };
    await fx.create('mars-tz', spec);
    await expectSpecProblem('mars-tz', REASONS.invalidTimeZone, ['spec.timeZone', 'Mars/Olympus']);
    await sleep(5_000); // still no Job a while later: the problem is not retried
    await expectNoJobs('mars-tz');
    await fx.mergePatch('mars-tz', { spec: { timeZone: 'Europe/Berlin' } });
    const { condition } = await fx.waitForCondition('mars-tz', ready, 'True');
    expect(condition).toMatchObject({ reason: REASONS.scheduled });
    expect(condition.message).toContain('Europe/Berlin');
  },

  async missingSecret() {
    await expectCredentialsLater('no-secret', 'late-creds', [
      'Secret "late-creds"',
      'spec.destination.s3.credentialsSecretRef',
      'create it',
    ]);
  },

  async missingKey() {
    const { AWS_ACCESS_KEY_ID } = env.s3Credentials;
    await fx.putSecret('partial-creds', { AWS_ACCESS_KEY_ID: AWS_ACCESS_KEY_ID! });
    await expectCredentialsLater('no-key', 'partial-creds', [
      'Secret "partial-creds"',
      'has no key AWS_SECRET_ACCESS_KEY',
      'spec.destination.s3.credentialsSecretRef',
    ]);
  },

  async unreachableEtcd() {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    await fx.create('etcd-down', {
      ...goodSpec(),
      etcd: { endpoints: [endpoint], dialTimeout: '2s' },
    });
    await expectRunFailure('etcd-down', REASONS.etcdUnreachable, [
      new RegExp(`etcd at ${endpoint.replace(/\./g, '\\.')}`),
      /check the endpoint/,
    ]);
    await sleep(10_000); // no hot loop: one Job, one Pod (backoffLimit 0), one failure Event
    expect(await fx.jobs('etcd-down')).toHaveLength(1);
    expect(await fx.pods('etcd-down')).toBe(1);
    const failures = (await fx.events('etcd-down')).filter(
      (e) => e.reason === EVENT_REASONS.backupFailed,
    );
    expect(failures.map((e) => e.count)).toEqual([1]);
    await fixAndRunNow('etcd-down', 'fixed-endpoint', {
      spec: { etcd: { endpoints: [bed().etcd.endpoint] } },
    });
    expect(await fx.jobs('etcd-down')).toHaveLength(2);
  },

  async missingBucket() {
    await fx.create('no-bucket', {
      ...goodSpec(),
      destination: fx.destination({ bucket: 'nobody-made-me' }),
    });
    await expectRunFailure('no-bucket', 'BucketNotFound', [
      /bucket "nobody-made-me" does not exist/,
      /destination\.s3\.bucket/,
    ]);
  },

  async accessDenied() {
    const { iamS3 } = env;
    await fx.create('denied', {
      ...goodSpec(),
      destination: fx.destination({
        bucket: env.rootOnlyBucket,
        endpoint: iamS3.endpoint,
        region: iamS3.region,
        credentialsSecretRef: { name: env.userSecret },
      }),
    });
    await expectRunFailure('denied', REASONS.accessDenied, [/access denied/, /grant s3:\w+/]);
  },

  async wrongCa() {
    await fx.putSecret('etcd-tls', env.etcdTls(env.otherCa));
    await fx.create('wrong-ca', {
      ...goodSpec(),
      etcd: {
        endpoints: [env.tlsEtcd.endpoint],
        tlsSecretRef: { name: 'etcd-tls' },
        authSecretRef: { name: env.etcdAuthSecret },
        dialTimeout: '5s',
      },
    });
    await expectRunFailure('wrong-ca', 'EtcdTlsError', [/TLS handshake/, /ca\.crt/]);
    await fx.putSecret('etcd-tls', env.etcdTls(env.tlsCa));
    await fixAndRunNow('wrong-ca', 'right-ca');
  },
};

beforeAll(async () => {
  env = await startBadInputEnvironment(bed(), fx);
  operator = await startOperator(bed(), ns);
  for (const [name, run] of Object.entries(CASES)) {
    const result = run();
    result.catch(() => undefined); // awaited by its own test; not unhandled meanwhile
    cases.set(name, result);
  }
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await env?.stop();
});

const outcome = (name: string) => cases.get(name)!;

it('rejects at admission what the schema can see: a schedule that is not cron, a timeZone without a schedule', () =>
  outcome('admission'));
it('an impossible schedule (31 February): Ready False InvalidSchedule, an Event, no Job', () =>
  outcome('impossibleSchedule'));
it('an unknown timeZone: Ready False InvalidTimeZone, an Event, no Job; fixed, Ready True', () =>
  outcome('unknownTimeZone'));
it('a missing credentials Secret: SecretNotFound naming it; created, the backup runs', () =>
  outcome('missingSecret'));
it('a Secret without the key: the message names the key; added, the backup runs', () =>
  outcome('missingKey'));
it('an unreachable etcd: EtcdUnreachable, one Job, no hot loop; fixed and run-now, it succeeds', () =>
  outcome('unreachableEtcd'));
it('a missing bucket: BucketNotFound naming the bucket', () => outcome('missingBucket'));
it('credentials without permission on the bucket: AccessDenied naming the permission', () =>
  outcome('accessDenied'));
it('a CA that did not sign the etcd server: EtcdTlsError naming ca.crt; the right CA succeeds', () =>
  outcome('wrongCa'));

it('no secret value in any EtcdBackup, Event, Job, ConfigMap or log', async () => {
  await Promise.allSettled(cases.values());
  // A spec problem is reported once, not on every reconcile.
  await expectNoJobs('feb-31');
  const invalid = (await fx.events('feb-31')).filter((e) => e.reason === REASONS.invalidSchedule);
  expect(invalid.map((e) => e.count)).toEqual([1]);
  expect(await leaksOf(fx, env.secretValues)).toEqual([]);
  // The scan does look: a value known to be in messages and logs is found.
  expect(await leaksOf(fx, { 'missing bucket name': 'nobody-made-me' })).toEqual(
    expect.arrayContaining([
      expect.stringContaining('kubectl get etcdbackups'),
      expect.stringMatching(/agent\.log contains/),
    ]),
  );
});
