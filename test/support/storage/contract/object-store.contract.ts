// The one behavioural contract of the ObjectStore port, run against every
// adapter (test/integration/storage-*.test.ts). An adapter is correct when it
// passes this suite; adapter-specific tests cover only what it adds.
import { basicsContract } from './contract-basics.js';
import { failuresContract } from './contract-failures.js';
import type { ContractFixture } from './fixture.js';

export type { ContractFixture } from './fixture.js';

export interface ContractOptions {
  /** The store holds its objects in memory by design: the bounded-memory case does not apply. */
  readonly inMemory?: boolean;
}

export function describeObjectStoreContract(
  name: string,
  fixture: () => ContractFixture,
  options: ContractOptions = {},
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    describe('basics', () => basicsContract(fixture));
    describe('failures', () => failuresContract(fixture, options));
  });
}
