// Writes crds/*.yaml from the schema source in src/api/v1alpha1/ (`make generate`).
// A unit test fails when the committed files differ from what this writes.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles } from '../src/api/v1alpha1/render.js';

const crdDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'crds');
const files = renderCrdFiles();
mkdirSync(crdDir, { recursive: true });
for (const stale of readdirSync(crdDir)) {
  if (stale.startsWith('etcdsnapshot.dev_') && !files.has(stale)) rmSync(path.join(crdDir, stale));
}
for (const [name, content] of files) {
  writeFileSync(path.join(crdDir, name), content);
  console.log(`wrote crds/${name}`);
}
