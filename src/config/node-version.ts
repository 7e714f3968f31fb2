/**
 * Why this Node.js cannot run the product, or undefined when it can.
 * `required` is package.json's `engines.node`, a `>=MAJOR.MINOR.PATCH` range:
 * older Nodes lack what the product relies on (zstd in zlib, among others)
 * and would fail deep inside a command with a stack trace instead.
 */
export function nodeVersionProblem(current: string, required: string): string | undefined {
  const minimum = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(required.trim());
  if (!minimum) return undefined;
  const have = current.replace(/^v/, '').split('.').map(Number);
  const need = minimum.slice(1).map(Number);
  for (let i = 0; i < 3; i++) {
    const h = have[i] ?? 0;
    if (h > need[i]!) return undefined;
    if (h < need[i]!)
      return `this is Node.js ${current.replace(/^v?/, 'v')}; etcd-snapshot needs Node.js ${required.trim()} (24 LTS recommended): install it (e.g. \`npm install -g node@24\`) or use the container image`;
  }
  return undefined;
}
