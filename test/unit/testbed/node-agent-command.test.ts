import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { buildArgv, checkRunnable } from '../../support/testbed/node-agent/command.js';
import { expandVars } from '../../support/testbed/node-agent/expand.js';
import { findUnrunnable } from '../../support/testbed/node-agent/pod-checks.js';

const OWN = 'ghcr.io/example/etcd-snapshot-operator:dev';
const isOwn = (image: string): boolean => image === OWN;
const ENTRY = ['/usr/bin/node', '/repo/dist/main.js'];

describe('checkRunnable', () => {
  it.each([
    ['own image, no command', { name: 'c', image: OWN }, undefined],
    [
      'own image, etcd-snapshot',
      { name: 'c', image: OWN, command: ['etcd-snapshot', 'x'] },
      undefined,
    ],
    [
      'own image, absolute etcd-snapshot',
      { name: 'c', image: OWN, command: ['/usr/local/bin/etcd-snapshot'] },
      undefined,
    ],
    ['own image, empty command', { name: 'c', image: OWN, command: [] }, undefined],
    ['foreign image', { name: 'c', image: 'busybox' }, 'ErrImageNotRunnable'],
    ['missing image', { name: 'c' }, 'ErrImageNotRunnable'],
    [
      'own image, shell',
      { name: 'c', image: OWN, command: ['sh', '-c', 'etcd-snapshot'] },
      'ErrCommandNotRunnable',
    ],
    [
      'own image, lookalike',
      { name: 'c', image: OWN, command: ['/bin/etcd-snapshotter'] },
      'ErrCommandNotRunnable',
    ],
  ] as Array<[string, V1Container, string | undefined]>)('%s', (_name, container, reason) => {
    expect(checkRunnable(container, isOwn)?.reason).toBe(reason);
  });

  it('says which image and why, in the message', () => {
    expect(checkRunnable({ name: 'c', image: 'busybox' }, isOwn)?.message).toBe(
      'image "busybox" cannot run on the test-bed node agent: only the operator image runs here',
    );
    expect(checkRunnable({ name: 'c', image: OWN, command: ['sh'] }, isOwn)?.message).toContain(
      'command ["sh"] of container "c" cannot run on the test-bed node agent',
    );
  });
});

describe('buildArgv', () => {
  it.each([
    ['args only', { args: ['agent', 'snapshot'] }, [...ENTRY, 'agent', 'snapshot']],
    [
      'command replaces etcd-snapshot',
      { command: ['etcd-snapshot', 'agent'], args: ['--x'] },
      [...ENTRY, 'agent', '--x'],
    ],
    ['bare command', { command: ['/bin/etcd-snapshot'] }, ENTRY],
    ['nothing', {}, ENTRY],
    [
      '$(VAR) expansion',
      { args: ['--pod=$(POD_NAME)', '--ns=$(UNSET)', '$$(POD_NAME)'] },
      [...ENTRY, '--pod=p-1', '--ns=$(UNSET)', '$(POD_NAME)'],
    ],
  ] as Array<[string, Partial<V1Container>, string[]]>)('%s', (_name, partial, argv) => {
    expect(buildArgv({ name: 'c', image: OWN, ...partial }, ENTRY, { POD_NAME: 'p-1' })).toEqual(
      argv,
    );
  });
});

describe('expandVars (the kubelet expansion rules)', () => {
  const vars: Record<string, string> = { A: 'a', EMPTY: '', B: '$(A)' };
  it.each([
    ['plain', 'plain'],
    ['$(A)', 'a'],
    ['x$(A)y$(A)z', 'xayaz'],
    ['$(EMPTY)!', '!'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$(B)', '$(A)'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['trailing $', 'trailing $'],
    ['$', '$'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(expandVars(input, (n) => vars[n])).toBe(expected);
  });
});

describe('findUnrunnable', () => {
  const pod = (spec: Partial<V1Pod['spec']>): V1Pod => ({ spec: { containers: [], ...spec } });
  it.each([
    ['a runnable pod', pod({ containers: [{ name: 'c', image: OWN }] }), undefined],
    [
      'a foreign init image',
      pod({
        initContainers: [{ name: 'i', image: 'alpine' }],
        containers: [{ name: 'c', image: OWN }],
      }),
      { reason: 'ErrImageNotRunnable', container: { init: true, index: 0 } },
    ],
    [
      'the second container',
      pod({
        containers: [
          { name: 'a', image: OWN },
          { name: 'b', image: 'nginx' },
        ],
      }),
      { reason: 'ErrImageNotRunnable', container: { init: false, index: 1 } },
    ],
    [
      'a sidecar',
      pod({ initContainers: [{ name: 's', image: OWN, restartPolicy: 'Always' }], containers: [] }),
      { reason: 'ErrSidecarNotSupported', container: { init: true, index: 0 } },
    ],
    [
      'a PVC volume',
      pod({
        containers: [{ name: 'c', image: OWN }],
        volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'x' } }],
      }),
      { reason: 'ErrVolumeNotSupported' },
    ],
  ] as Array<[string, V1Pod, object | undefined]>)('%s', (_name, p, expected) => {
    const found = findUnrunnable(p, isOwn);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found).toMatchObject(expected);
  });
});
