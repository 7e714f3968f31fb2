import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { SnapshotManifest } from '../../src/snapshot/catalog/manifest.js';
import { cliOk } from '../support/cli.js';
import { readAllKeys } from '../support/etcd-data.js';
import { writeK8sWorkload } from '../support/fixtures/k8s-workload.js';
import { resolveBinary } from '../support/testbed/binaries.js';
import { startEtcd, type EtcdServer } from '../support/testbed/etcd.js';
import { freePort } from '../support/testbed/ports.js';
import { createBucket, startVersityGw, type S3Server } from '../support/testbed/versitygw.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roundtrip-'));
let s3: S3Server;
let env: Record<string, string>;
let dest: string;
let identityFile: string;
let recipient: string;

beforeAll(async () => {
  s3 = await startVersityGw({ dir: path.join(dir, 's3') });
  await createBucket(s3, 'snapshots');
  env = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
  dest = `s3://snapshots/team?endpoint=${s3.endpoint}&region=${s3.region}&pathStyle=true`;
  const identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  identityFile = path.join(dir, 'identity.txt');
  writeFileSync(identityFile, `# test identity\n${identity}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await s3?.stop();
});

/** `etcdutl snapshot restore` of the same release, then a fresh etcd on the restored directory. */
async function restoreWithEtcdutl(
  component: 'etcd-3.6' | 'etcd-3.5',
  file: string,
  into: string,
): Promise<EtcdServer> {
  const peerPort = await freePort();
  const peer = `http://127.0.0.1:${peerPort}`;
  execFileSync(
    resolveBinary('etcdutl', component),
    [
      'snapshot',
      'restore',
      file,
      `--data-dir=${path.join(into, 'data')}`,
      '--name=default',
      `--initial-cluster=default=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
    ],
    { stdio: 'pipe' },
  );
  return startEtcd({ dir: into, component, dataDir: path.join(into, 'data'), peerPort });
}

describe.each(['etcd-3.6', 'etcd-3.5'] as const)(
  '%s: save -> get -> etcdutl restore',
  (component) => {
    let etcd: EtcdServer;
    let source: Etcd3;

    beforeAll(async () => {
      etcd = await startEtcd({ dir: path.join(dir, component), component });
      source = new Etcd3({ hosts: etcd.endpoint });
      await writeK8sWorkload(source, 400);
    });

    afterAll(async () => {
      source?.close();
      await etcd?.stop();
    });

    it.each([
      ['zstd', false],
      ['gzip', false],
      ['none', false],
      ['zstd', true],
      ['gzip', true],
    ] as const)(
      '%s (encrypted: %s) restores every key and value at the snapshot revision',
      async (compression, encrypted) => {
        const name = `${component.replace('.', '')}-${compression}-${encrypted ? 'age' : 'plain'}`;
        const save = await cliOk(
          [
            'save',
            '--endpoints',
            etcd.endpoint,
            '--to',
            dest,
            '--name',
            name,
            '--compression',
            compression,
            ...(encrypted ? ['--recipient', recipient] : []),
            '--json',
          ],
          env,
        );
        const manifest = JSON.parse(save) as SnapshotManifest;
        expect(manifest.etcdVersion).toMatch(component === 'etcd-3.6' ? /^3\.6\./ : /^3\.5\./);
        expect(manifest.encryption?.recipients ?? []).toEqual(encrypted ? [recipient] : []);
        const expected = await readAllKeys(source, manifest.revision);
        expect(expected.size).toBeGreaterThan(300);
        // The content summary was computed while streaming: it counts what etcd holds.
        expect(manifest.content?.liveKeys).toBe(expected.size);
        expect(manifest.content?.resources.find((r) => r.name === 'pods')?.keys).toBe(
          [...expected.keys()].filter((k) => k.startsWith('/registry/pods/')).length,
        );

        const file = path.join(dir, `${name}.db`);
        await cliOk(
          [
            'get',
            '--from',
            dest,
            '--name',
            name,
            '-o',
            file,
            ...(encrypted ? ['--identity-file', identityFile] : []),
          ],
          env,
        );
        expect(readFileSync(file).length).toBe(manifest.raw.size);

        const restored = await restoreWithEtcdutl(
          component,
          file,
          path.join(dir, `${name}-restored`),
        );
        const client = new Etcd3({ hosts: restored.endpoint });
        try {
          expect(await readAllKeys(client)).toEqual(expected);
        } finally {
          client.close();
          await restored.stop();
        }

        if (encrypted) {
          // Interoperability: the stored object opens with the reference age CLI.
          const stored = path.join(s3.root, 'snapshots', 'team', manifest.key);
          const plain = execFileSync(resolveBinary('age'), ['-d', '-i', identityFile, stored]);
          const db =
            compression === 'gzip'
              ? execFileSync('gzip', ['-dc'], { input: plain, maxBuffer: 1 << 30 })
              : execFileSync('zstd', ['-dc'], { input: plain, maxBuffer: 1 << 30 });
          expect(db.equals(readFileSync(file))).toBe(true);
        }
      },
    );
  },
);
