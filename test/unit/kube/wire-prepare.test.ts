import { metadataAndStatusOnly } from '../../../src/kube/resource-client.js';

describe('metadataAndStatusOnly', () => {
  it('keeps metadata (without managedFields) and status, drops the spec', () => {
    const raw: Record<string, unknown> = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', labels: { a: 'b' }, managedFields: [{ manager: 'kcm' }] },
      spec: { template: { spec: { containers: [{ name: 'agent' }] } } },
      status: { succeeded: 1 },
    };
    metadataAndStatusOnly(raw);
    expect(raw).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', labels: { a: 'b' } },
      status: { succeeded: 1 },
    });
  });
});
