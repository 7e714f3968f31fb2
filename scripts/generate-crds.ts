// Writes crds/*.yaml from the schema source in src/api/v1alpha1/ (`make generate`),
// with copies in deploy/ and the Helm chart (see crd-dirs.ts).
// A unit test fails when any committed copy differs from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles } from '../src/api/v1alpha1/render.js';
import { CRD_DIRS } from './crd-dirs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = renderCrdFiles();
for (const dir of CRD_DIRS) {
  const crdDir = path.join(root, dir);
  mkdirSync(crdDir, { recursive: true });
  for (const stale of readdirSync(crdDir)) {
    if (stale.startsWith('etcdsnapshot.dev_') && !files.has(stale))
      rmSync(path.join(crdDir, stale));
  }
  for (const [name, content] of files) {
    writeFileSync(path.join(crdDir, name), content);
    console.log(`wrote ${dir}/${name}`);
  }
}
