import { explainError } from '../../../src/api/errors.js';
import { toEtcdError } from '../../../src/etcd/errors.js';

const grpc = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details });

describe('toEtcdError: requests etcd refuses by its own limits name the setting to change', () => {
  it.each([
    [
      'request too large',
      grpc(3, 'etcdserver: request is too large'),
      'RequestTooLarge',
      /--max-request-bytes: pass that value as --max-request-bytes \(spec.logical.maxRequestBytes\)/,
    ],
    [
      'too many operations',
      grpc(3, 'etcdserver: too many operations in txn request'),
      'RequestTooLarge',
      /--max-txn-ops: pass that value as --max-txn-ops/,
    ],
    [
      'out of space',
      grpc(8, 'etcdserver: mvcc: database space exceeded'),
      'EtcdNoSpace',
      /out of space .*NOSPACE alarm.*--compact/,
    ],
  ])('%s', (_name, err, reason, message) => {
    const mapped = toEtcdError(err, 'http://10.0.0.1:2379');
    expect(explainError(mapped)).toEqual({
      reason,
      category: 'etcd',
      message: expect.stringMatching(message),
    });
    expect(mapped.message).toContain('http://10.0.0.1:2379');
  });
});
