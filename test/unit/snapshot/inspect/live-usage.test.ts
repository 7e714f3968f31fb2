import { summarizeLive } from '../../../../src/snapshot/inspect/live-usage.js';

describe('summarizeLive', () => {
  it('totals live keys by resource, namespace and outside the registry', () => {
    const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const live = new Map<string, number>([
      ['/registry/pods/b/p1', 10],
      ['/registry/pods/a/p2', 20],
      ['/registry/services/specs/a/s', 5],
      ['/registry/namespaces/a', 1],
      [latin1('/registry/configmaps/ünï/c'), 7],
      ['unrelated', 100],
    ]);
    expect(summarizeLive(live, '/registry')).toEqual({
      live: { keys: 6, bytes: 143 },
      resources: [
        { prefix: 'configmaps', resource: 'configmaps', group: '', keys: 1, bytes: 7 },
        { prefix: 'namespaces', resource: 'namespaces', group: '', keys: 1, bytes: 1 },
        { prefix: 'pods', resource: 'pods', group: '', keys: 2, bytes: 30 },
        { prefix: 'services/specs', resource: 'services', group: '', keys: 1, bytes: 5 },
      ],
      namespaces: [
        { namespace: 'a', keys: 2, bytes: 25 },
        { namespace: 'b', keys: 1, bytes: 10 },
        { namespace: 'ünï', keys: 1, bytes: 7 },
      ],
      other: { keys: 1, bytes: 100 },
    });
  });
});
