import type { EtcdBackup, EtcdRestore } from '../../api/v1alpha1/index.js';
import { policyRefusal, type AgentPolicy, type PolicyRefusal } from '../policy/agent-policy.js';
import { MEMBER_VOLUME, restoreJobSpec } from '../jobs/restore-job.js';
import { AGENT_VOLUMES, JobSpecError } from '../jobs/wiring.js';

/**
 * Whether the agent policy refuses what this EtcdRestore's Jobs would ask of
 * a Pod: every Job it would create (one per DataDir member), built as the
 * reconcile builds them, and every endpoint the agent would connect to.
 */
export function restorePolicyRefusal(
  restore: EtcdRestore,
  backup: EtcdBackup | undefined,
  jobs: ReadonlyArray<{ readonly jobName: string; readonly member?: number }>,
  policy: AgentPolicy,
): PolicyRefusal | undefined {
  const { spec } = restore;
  const members = spec.dataDir?.members ?? [];
  const destination = spec.source.backupRef ? backup?.spec.destination : spec.source.destination;
  const storeField = spec.source.backupRef
    ? `EtcdBackup ${spec.source.backupRef.name} spec.destination.volume.hostPath`
    : 'spec.source.destination.volume.hostPath';
  const pods = [];
  for (const job of jobs) {
    const member = job.member === undefined ? undefined : members[job.member];
    let built: ReturnType<typeof restoreJobSpec>;
    try {
      built = restoreJobSpec({
        restore,
        ...(backup ? { backup } : {}),
        jobName: job.jobName,
        image: policy.image,
        ...(member ? { member } : {}),
        stamp: '19700101T000000Z',
      });
    } catch (err) {
      if (err instanceof JobSpecError) return undefined;
      throw err;
    }
    const at = `spec.dataDir.members[${job.member ?? 0}]`;
    const root = spec.logical?.etcd.tlsFiles
      ? 'spec.logical.etcd.tlsFiles'
      : member?.hostPath
        ? `${at}.hostPath`
        : destination?.volume?.hostPath
          ? storeField
          : undefined;
    const template = built.job.spec.template;
    pods.push({
      spec: template.spec,
      annotations: template.metadata.annotations,
      origins: {
        volumes: { [AGENT_VOLUMES.store]: storeField, [MEMBER_VOLUME]: `${at}.hostPath` },
        nodeName: `${at}.nodeName`,
        root,
      },
    });
  }
  const s3Endpoint = destination?.s3?.endpoint;
  return policyRefusal(policy, {
    namespace: restore.metadata?.namespace ?? '',
    pods,
    endpoints: [
      ...(spec.logical?.etcd.endpoints ?? []).map((url, i) => ({
        field: `spec.logical.etcd.endpoints[${i}]`,
        url,
      })),
      ...(s3Endpoint
        ? [
            {
              field: spec.source.backupRef
                ? `EtcdBackup ${spec.source.backupRef.name} spec.destination.s3.endpoint`
                : 'spec.source.destination.s3.endpoint',
              url: s3Endpoint,
            },
          ]
        : []),
    ],
  });
}
