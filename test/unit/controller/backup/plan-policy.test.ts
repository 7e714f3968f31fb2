import { FINALIZER } from '../../../../src/api/v1alpha1/index.js';
import { agentPolicyFrom } from '../../../../src/controller/policy/policy-from.js';
import { planBackup } from '../../../../src/controller/backup/plan.js';
import { findCondition } from '../../../../src/domain/conditions.js';
import { at, backup, observed } from './fixtures.js';

const NOW = at('2026-03-02T13:10:00Z');
const policy = agentPolicyFrom({ ownNamespace: 'etcd-snapshot-system', image: 'img:1' });
const hostNetwork = { jobTemplate: { hostNetwork: true } };

describe('planBackup: the agent policy', () => {
  it('refuses host access in an untrusted namespace: Ready False Forbidden, an Event, no run', () => {
    const plan = planBackup(observed(backup({ spec: hostNetwork }), [], { policy }), NOW);
    const ready = findCondition(plan.status.conditions, 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'Forbidden' });
    expect(ready?.message).toContain('spec.jobTemplate.hostNetwork');
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'Forbidden' }),
    ]);
    expect(plan.requeueAfterMs).toBeUndefined();
    expect(plan.status.nextScheduleTime).toBeUndefined();
  });

  it('checks a changed spec again (the check is remembered per spec, not per object)', () => {
    const refused = backup({ spec: hostNetwork });
    const allowed = backup({ spec: { jobTemplate: { hostNetwork: false } } });
    expect(allowed.metadata?.uid).toBe(refused.metadata?.uid);
    for (const [b, status] of [
      [refused, 'False'],
      [allowed, 'True'],
      [refused, 'False'],
      [allowed, 'True'],
    ] as const) {
      const plan = planBackup(observed(b, [], { policy }), NOW);
      expect(findCondition(plan.status.conditions, 'Ready')?.status).toBe(status);
    }
  });

  it('runs the same spec in a trusted namespace', () => {
    const trusted = backup({ spec: hostNetwork, metadata: { namespace: 'etcd-snapshot-system' } });
    const plan = planBackup(observed(trusted, [], { policy }), NOW);
    expect(findCondition(plan.status.conditions, 'Ready')?.status).toBe('True');
    expect(plan.status.nextScheduleTime).toBeDefined();
  });

  it('refuses the deletion cleanup Job too: the finalizer goes, the snapshots stay, a Warning says so', () => {
    const deleting = backup({
      spec: { ...hostNetwork, deletionPolicy: 'Delete' },
      metadata: { deletionTimestamp: '2026-03-02T13:09:00Z', finalizers: [FINALIZER] },
    });
    const plan = planBackup(observed(deleting, [], { policy }), NOW);
    expect(plan.actions).toEqual([{ type: 'RemoveFinalizer', finalizer: FINALIZER }]);
    expect(plan.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'Forbidden',
        message: expect.stringContaining('the stored snapshots were kept'),
      }),
    ]);
  });
});
