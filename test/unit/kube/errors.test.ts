import { KubeError, isTransient, toKubeError } from '../../../src/kube/errors.js';
import { formatMicroTime, leaseFromWire } from '../../../src/kube/leases.js';
import {
  CONFIG_MAPS,
  ETCD_BACKUPS,
  JOBS,
  collectionPath,
  objectPath,
} from '../../../src/kube/resources.js';

describe('toKubeError', () => {
  const cases: Array<[string, unknown, string]> = [
    ['404', { code: 404, body: { reason: 'NotFound', message: 'gone' } }, 'NotFound'],
    ['409 AlreadyExists', { code: 409, body: '{"reason":"AlreadyExists"}' }, 'AlreadyExists'],
    ['409 Conflict', { code: 409, body: { reason: 'Conflict' } }, 'Conflict'],
    ['403', { code: 403, body: {} }, 'Forbidden'],
    ['422', { code: 422, body: { reason: 'Invalid' } }, 'Invalid'],
    ['410', { code: 410 }, 'Gone'],
    ['503', { code: 503 }, 'Unavailable'],
    [
      'ECONNREFUSED in cause',
      new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      'Unavailable',
    ],
    ['timeout', new DOMException('t', 'TimeoutError'), 'Unavailable'],
    ['other', new Error('weird'), 'Unknown'],
  ];
  it.each(cases)('%s', (_name, err, code) => {
    const e = toKubeError(err, 'get ConfigMap ns/x');
    expect(e).toBeInstanceOf(KubeError);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(/^get ConfigMap ns\/x: /);
  });

  it('marks unavailable and conflicts as transient', () => {
    expect(isTransient(new KubeError('Unavailable', 'x'))).toBe(true);
    expect(isTransient(new KubeError('Invalid', 'x'))).toBe(false);
  });
});

describe('resource paths', () => {
  it('builds core, group and custom resource paths', () => {
    expect(collectionPath(CONFIG_MAPS, 'ns')).toBe('/api/v1/namespaces/ns/configmaps');
    expect(collectionPath(JOBS)).toBe('/apis/batch/v1/jobs');
    expect(objectPath(ETCD_BACKUPS, 'ns', 'b', 'status')).toBe(
      '/apis/etcdsnapshot.dev/v1alpha1/namespaces/ns/etcdbackups/b/status',
    );
  });
});

describe('lease wire format', () => {
  it('writes MicroTime with six digits and reads it back', () => {
    const d = new Date('2025-01-02T03:04:05.678Z');
    expect(formatMicroTime(d)).toBe('2025-01-02T03:04:05.678000Z');
    const stored = leaseFromWire({
      metadata: { resourceVersion: '7' },
      spec: { holderIdentity: 'a', renewTime: '2025-01-02T03:04:05.678123Z' },
    });
    expect(stored.resourceVersion).toBe('7');
    expect(stored.record.renewTime?.getTime()).toBe(d.getTime());
    expect(stored.record.leaseTransitions).toBe(0);
  });
});
