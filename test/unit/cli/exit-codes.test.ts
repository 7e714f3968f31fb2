import { ExitCode, exitCodeFor } from '../../../src/cli/command.js';
import { StorageError } from '../../../src/storage/storage-error.js';

describe('exitCodeFor', () => {
  it('a store checksum failure is an integrity failure; other storage errors are storage', () => {
    expect(exitCodeFor(new StorageError('Corrupt', 'altered at rest'))).toBe(ExitCode.integrity);
    expect(exitCodeFor(new StorageError('NotFound', 'no such key'))).toBe(ExitCode.storage);
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.failure);
  });
});
