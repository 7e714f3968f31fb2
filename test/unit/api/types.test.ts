import type { EtcdBackup, EtcdRestore } from '../../../src/api/v1alpha1/index.js';
import { dataDirRestore, fullBackup, minimalBackup, minimalLogicalRestore } from './samples.js';

// The samples are typed with the exported Static<> types, so `tsc --noEmit` (make lint) is the
// real check; these cases pin that the types reject what the schema rejects where TS can tell.
describe('exported types', () => {
  it('describe every sample', () => {
    const backups: EtcdBackup[] = [minimalBackup(), fullBackup];
    const restores: EtcdRestore[] = [minimalLogicalRestore(), dataDirRestore];
    expect(backups.map((b) => b.kind)).toEqual(['EtcdBackup', 'EtcdBackup']);
    expect(restores.map((r) => r.spec.mode)).toEqual(['Logical', 'DataDir']);
  });

  it('narrow enums and literals', () => {
    const spec = minimalBackup().spec;
    // @ts-expect-error lz4 is not a compression
    spec.compression = 'lz4';
    // @ts-expect-error concurrencyPolicy Allow is not offered: runs would race on the same store
    spec.concurrencyPolicy = 'Allow';
    // @ts-expect-error the apiVersion is a literal
    const wrong: EtcdBackup = { ...minimalBackup(), apiVersion: 'v1' };
    expect(wrong.apiVersion).toBe('v1');
  });
});
