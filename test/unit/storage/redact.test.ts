import { redactSecrets } from '../../../src/storage/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['known secret values', 'key s3cr3t-value leaked', ['s3cr3t-value'], 'key *** leaked'],
    ['short values are not treated as secrets', 'abc', ['abc'], 'abc'],
    [
      'presigned URL signature',
      'GET /b/k?X-Amz-Signature=abc123&X-Amz-Date=1',
      [],
      'GET /b/k?X-Amz-Signature=***&X-Amz-Date=1',
    ],
    [
      'presigned URL credential and token',
      'X-Amz-Credential=AKIA%2F2025 X-Amz-Security-Token=FwoG',
      [],
      'X-Amz-Credential=*** X-Amz-Security-Token=***',
    ],
    [
      'authorization header',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=ff\nnext',
      [],
      'Authorization: ***\nnext',
    ],
    [
      'SigV4 parts',
      'Credential=AKIA/2025/us-east-1/s3/aws4_request, Signature=' + 'a'.repeat(64),
      [],
      'Credential=***, Signature=***',
    ],
    ['URL userinfo', 'https://user:pass@minio:9000/b', [], 'https://***@minio:9000/b'],
  ])('%s', (_name, text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });
});
