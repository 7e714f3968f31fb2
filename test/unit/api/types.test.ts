import { expectTypeOf } from 'expect-type';
import type {
  BackupAgentConfig,
  BackupAgentResult,
  RestoreAgentConfig,
} from '../../../src/api/agent/index.js';
import type { Compression, EtcdBackup, EtcdRestore } from '../../../src/api/v1alpha1/index.js';
import {
  dataDirRestore,
  fullBackup,
  minimalBackup,
  minimalLogicalRestore,
} from '../../support/samples.js';

// Type tests: expect-type's assertions fail `tsc --noEmit` (make lint) when a type drifts from
// what the schema says; the samples are typed with the same Static<> types.
describe('exported types', () => {
  it('describe every sample', () => {
    expectTypeOf(minimalBackup()).toEqualTypeOf<EtcdBackup>();
    expectTypeOf(fullBackup).toEqualTypeOf<EtcdBackup>();
    expectTypeOf(minimalLogicalRestore()).toEqualTypeOf<EtcdRestore>();
    expectTypeOf(dataDirRestore).toEqualTypeOf<EtcdRestore>();
  });

  it('narrow enums and literals', () => {
    expectTypeOf<
      NonNullable<EtcdBackup['apiVersion']>
    >().toEqualTypeOf<'etcdsnapshot.dev/v1alpha1'>();
    expectTypeOf<NonNullable<EtcdBackup['spec']['compression']>>().toEqualTypeOf<Compression>();
    expectTypeOf<Compression>().toEqualTypeOf<'zstd' | 'gzip' | 'none'>();
    // Allow is not offered: runs would race on the same store.
    expectTypeOf<NonNullable<EtcdBackup['spec']['concurrencyPolicy']>>().toEqualTypeOf<
      'Forbid' | 'Replace'
    >();
    expectTypeOf<EtcdRestore['spec']['mode']>().toEqualTypeOf<'Logical' | 'DataDir'>();
  });

  it('type the agent contract from its schemas', () => {
    expectTypeOf<BackupAgentConfig['kind']>().toEqualTypeOf<'BackupAgentConfig'>();
    expectTypeOf<BackupAgentConfig['run']['trigger']>().toEqualTypeOf<
      'schedule' | 'run-now' | 'once'
    >();
    expectTypeOf<RestoreAgentConfig['mode']>().toEqualTypeOf<'Logical' | 'DataDir'>();
    expectTypeOf<BackupAgentResult['reason']>().toExtend<string>();
    expectTypeOf<'Succeeded'>().toExtend<BackupAgentResult['reason']>();
    expectTypeOf<'Nonsense'>().not.toExtend<BackupAgentResult['reason']>();
  });
});
