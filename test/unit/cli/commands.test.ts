import { commands } from '../../../src/cli/commands.js';

describe('the command registry', () => {
  it('loads, for every name, the command of that name', async () => {
    const loaded = await Promise.all(commands.map((c) => c.load()));
    expect(loaded.map((c) => c.name)).toEqual(commands.map((c) => c.name));
  });
});
