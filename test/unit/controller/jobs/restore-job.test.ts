import { API_VERSION, KINDS, type EtcdRestore } from '../../../../src/api/v1alpha1/index.js';
import { parseRestoreAgentConfig } from '../../../../src/agent/config.js';
import { restoreJobSpec } from '../../../../src/controller/jobs/restore-job.js';
import { JobSpecError } from '../../../../src/controller/jobs/wiring.js';

function logicalRestore(logical: Record<string, unknown> = {}): EtcdRestore {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.restore,
    metadata: { name: 'r', namespace: 'ns', uid: 'uid-r-12345678', generation: 1 },
    spec: {
      source: {
        destination: { s3: { bucket: 'backups', credentialsSecretRef: { name: 's3' } } },
        key: 'b/20260301T000000Z-r00000000000000000042.db',
      },
      mode: 'Logical',
      logical: { etcd: { endpoints: ['https://10.0.0.1:2379'] }, ...logical },
    },
  } as EtcdRestore;
}

const build = (r: EtcdRestore) =>
  restoreJobSpec({ restore: r, jobName: 'r-restore', image: 'img:1', stamp: '20260301T120000Z' });

describe('restoreJobSpec: the target limits and compaction of a Logical restore', () => {
  it("passes etcd's defaults when the spec leaves them out, and the agent reads them back", () => {
    const { config } = build(logicalRestore());
    expect(config.logical).toMatchObject({
      compact: false,
      maxTxnOps: 128,
      maxRequestBytes: '1572864',
    });
    const read = parseRestoreAgentConfig(JSON.stringify(config));
    expect(read.limits).toEqual({ maxTxnOps: 128, maxRequestBytes: 1572864 });
  });

  it('passes what the spec gives, quantities included', () => {
    const { config } = build(
      logicalRestore({ compact: true, maxTxnOps: 16, maxRequestBytes: '10Mi' }),
    );
    expect(config.logical).toMatchObject({ compact: true, maxTxnOps: 16, maxRequestBytes: '10Mi' });
    expect(parseRestoreAgentConfig(JSON.stringify(config)).limits).toEqual({
      maxTxnOps: 16,
      maxRequestBytes: 10 * 1024 * 1024,
    });
  });

  it.each([
    [
      'a request too small for any put',
      { maxRequestBytes: '1Ki' },
      /spec.logical.maxRequestBytes must be at least 65536 \(64Ki\), got 1024/,
    ],
    [
      'a size that is not one',
      { maxRequestBytes: '1.5 MB' },
      /spec.logical.maxRequestBytes: invalid byte size "1.5 MB"/,
    ],
  ])('refuses %s, naming the field', (_name, logical, message) => {
    expect(() => build(logicalRestore(logical))).toThrow(JobSpecError);
    expect(() => build(logicalRestore(logical))).toThrow(message);
  });
});
