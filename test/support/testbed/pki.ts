import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ApiServerSecrets {
  readonly adminToken: string;
  readonly tokenFile: string;
  readonly serviceAccountPublicKey: string;
  readonly serviceAccountSigningKey: string;
}

/**
 * Generates, at every start, the admin bearer token (user `bed-admin` in
 * `system:masters`) and the service-account signing key pair.
 */
export function writeApiServerSecrets(dir: string): ApiServerSecrets {
  const adminToken = randomBytes(32).toString('hex');
  const tokenFile = path.join(dir, 'tokens.csv');
  writeFileSync(tokenFile, `${adminToken},bed-admin,bed-admin,"system:masters"\n`, { mode: 0o600 });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountPublicKey = path.join(dir, 'sa.pub');
  const serviceAccountSigningKey = path.join(dir, 'sa.key');
  writeFileSync(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(serviceAccountSigningKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return { adminToken, tokenFile, serviceAccountPublicKey, serviceAccountSigningKey };
}

/** A kubeconfig (YAML) for a bearer token against a server whose CA is in `caFile`. */
export function kubeconfigYaml(
  server: string,
  caFile: string,
  token: string,
  user = 'bed-admin',
): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: testbed',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: testbed',
    '  context:',
    '    cluster: testbed',
    `    user: ${user}`,
    'current-context: testbed',
    '',
  ].join('\n');
}
