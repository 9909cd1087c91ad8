#!/usr/bin/env node
// `npm run build`: TypeScript to dist/, then dist/ pruned of what no source makes any more. A file
// moved or removed in src/ would otherwise leave its old build behind, and Node resolves
// `./privacy/people` to a stale `people.js` before the new `people/index.js`.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

/** Removes the compiled files under `dir` whose TypeScript source is gone, and the folders left empty. */
function prune(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(full);
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
      continue;
    }
    const match = /^(.*)\.(js|js\.map|d\.ts|d\.ts\.map)$/.exec(entry.name);
    if (!match) continue;
    const source = path.join(root, path.relative(dist, dir), `${match[1]}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(full);
  }
}

/** Builds with `tsc` (its path given), then prunes. */
function build(tsc) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (fs.existsSync(dist)) prune(dist);
}

module.exports = { build, prune };

if (require.main === module) build(require.resolve('typescript/bin/tsc', { paths: [root] }));
