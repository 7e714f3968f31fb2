import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { exitFrom } from '../../support/testbed/node-agent/container-process.js';
import { formatMap, resolveFieldPath } from '../../support/testbed/node-agent/field-ref.js';
import { podDirName, underRoot } from '../../support/testbed/node-agent/pod-paths.js';
import { watchRetryDelayMs } from '../../support/testbed/node-agent/pod-source.js';
import { gracePeriodSeconds } from '../../support/testbed/node-agent/pod-worker.js';
import {
  parseQuantity,
  resolveResourceField,
} from '../../support/testbed/node-agent/resource-field.js';
import { isOlder } from '../../support/testbed/node-agent/resource-version.js';
import { restartDelayMs, shouldRestart } from '../../support/testbed/node-agent/restart-policy.js';
import {
  needsLogFallback,
  tailText,
} from '../../support/testbed/node-agent/termination-message.js';

describe('restart policy', () => {
  it.each([
    ['Never', 0, false, false],
    ['Never', 1, false, false],
    ['OnFailure', 0, false, false],
    ['OnFailure', 1, false, true],
    ['Always', 0, false, true],
    ['Always', 1, false, true],
    ['Always', 0, true, false],
    ['Always', 1, true, true],
    [undefined, 0, false, true],
  ] as Array<[string | undefined, number, boolean, boolean]>)(
    '%s, exit %d, init %s -> %s',
    (policy, code, init, restart) => {
      expect(shouldRestart(policy, code, init)).toBe(restart);
    },
  );

  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [4, 10_000],
    [50, 10_000],
  ])('backoff after %d restarts is %d ms', (restarts, ms) => {
    expect(restartDelayMs(restarts)).toBe(ms);
  });
});

describe('termination message', () => {
  it.each([
    ['short log', 'a\nb\n', 80, 2048, 'a\nb'],
    ['line cap', 'a\nb\nc\n', 2, 2048, 'b\nc'],
    ['byte cap cuts at a line start', 'first line\nsecond\nthird\n', 80, 10, 'third'],
    ['byte cap inside one long line', 'x'.repeat(30), 80, 10, 'x'.repeat(10)],
    ['empty', '', 80, 2048, ''],
  ])('tailText: %s', (_name, text, lines, bytes, expected) => {
    expect(tailText(text, lines, bytes)).toBe(expected);
  });

  it.each([
    ['', 'FallbackToLogsOnError', 1, true],
    ['', 'FallbackToLogsOnError', 0, false],
    ['msg', 'FallbackToLogsOnError', 1, false],
    ['', 'File', 1, false],
    ['', undefined, 1, false],
  ] as Array<[string, string | undefined, number, boolean]>)(
    'needsLogFallback(%j, %s, %d) = %s',
    (file, policy, code, expected) => {
      expect(needsLogFallback(file, policy, code)).toBe(expected);
    },
  );
});

describe('quantities and resourceFieldRef', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['24Gi', 24 * 2 ** 30],
    ['1k', 1000],
    ['1e3', 1000],
    ['1.5Mi', 1.5 * 2 ** 20],
    ['abc', undefined],
    ['1e3Mi', undefined],
  ] as Array<[string, number | undefined]>)('%s = %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  const c: V1Container = {
    name: 'c',
    resources: { limits: { cpu: '250m', memory: '1Gi' }, requests: { cpu: '100m' } },
  };
  it.each([
    ['limits.cpu', undefined, '1'],
    ['limits.cpu', '1m', '250'],
    ['requests.cpu', '1m', '100'],
    ['limits.memory', '1Mi', '1024'],
    ['requests.memory', undefined, '0'],
  ] as Array<[string, string | undefined, string]>)('%s / %s = %s', (resource, divisor, value) => {
    expect(resolveResourceField(c, { resource, divisor })).toEqual({ ok: true, value });
  });

  it('falls back to node allocatable for an unset limit', () => {
    expect(resolveResourceField({ name: 'c' }, { resource: 'limits.cpu' })).toEqual({
      ok: true,
      value: '2',
    });
  });
});

describe('field paths', () => {
  const pod: V1Pod = {
    metadata: { name: 'p', annotations: { 'x/y': 'a"b' } },
    spec: { containers: [] },
  };
  const at = { nodeName: 'n', podIP: '10.0.0.1', hostIP: '10.0.0.2' };
  it.each([
    ['metadata.name', 'p'],
    ['spec.nodeName', 'n'],
    ['status.podIP', '10.0.0.1'],
    ['status.hostIP', '10.0.0.2'],
    ["metadata.annotations['x/y']", 'a"b'],
    ["metadata.labels['none']", ''],
    ['metadata.annotations', 'x/y="a\\"b"'],
  ])('%s = %j', (path, value) => {
    expect(resolveFieldPath(pod, path, at)).toEqual({ ok: true, value });
  });

  it('formats maps sorted, one quoted value a line', () => {
    expect(formatMap({ b: '2', a: '1' })).toBe('a="1"\nb="2"');
  });
});

describe('small helpers', () => {
  it('names pod directories like the kubelet and keeps container paths inside the root', () => {
    expect(podDirName({ metadata: { namespace: 'ns', name: 'p', uid: 'u' } })).toBe('ns_p_u');
    expect(underRoot('/r', '/dev/termination-log')).toBe('/r/dev/termination-log');
    expect(underRoot('/r', '../../etc/passwd')).toBe('/r/etc/passwd');
  });

  it.each([
    [0, null, { exitCode: 0 }],
    [3, null, { exitCode: 3 }],
    [null, 'SIGTERM', { exitCode: 143, signal: 15 }],
    [null, 'SIGKILL', { exitCode: 137, signal: 9 }],
  ] as Array<[number | null, NodeJS.Signals | null, object]>)(
    'exit %s / %s',
    (code, signal, expected) => {
      expect(exitFrom(code, signal)).toEqual(expected);
    },
  );

  it.each([
    [{ metadata: { deletionGracePeriodSeconds: 30 } }, 10],
    [{ metadata: { deletionGracePeriodSeconds: 0 } }, 0],
    [
      {
        metadata: { deletionGracePeriodSeconds: 3 },
        spec: { containers: [], terminationGracePeriodSeconds: 60 },
      },
      3,
    ],
    [{ spec: { containers: [], terminationGracePeriodSeconds: 5 } }, 5],
    [{}, 10],
  ] as Array<[V1Pod, number]>)('grace period of %j is %d s', (pod, seconds) => {
    expect(gracePeriodSeconds(pod)).toBe(seconds);
  });

  it.each([
    ['9', '10', true],
    ['10', '9', false],
    ['10', '10', false],
    ['abc', '10', false],
    [undefined, '10', false],
  ] as Array<[string | undefined, string, boolean]>)('isOlder(%s, %s) = %s', (a, b, older) => {
    expect(isOlder(a, b)).toBe(older);
  });

  it.each([
    [0, 100],
    [1, 1000],
    [2, 2000],
    [10, 30_000],
  ])('watch retry after %d failures waits %d ms', (failures, ms) => {
    expect(watchRetryDelayMs(failures)).toBe(ms);
  });
});
