#!/usr/bin/env node
// `npm start` builds first when dist/ is missing or older than the sources (a fresh clone: about
// 30 s). Platforms build at deploy time (`npm run build`, which Heroku-style Node buildpacks run
// by themselves) and then prune devDependencies: with TypeScript gone, dist/ is used as built.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const marker = path.join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

function typescript() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return undefined;
  }
}

const sources = Math.max(
  ...['src', 'adapters', 'bench']
    .map((d) => path.join(root, d))
    .filter(fs.existsSync)
    .map(newest),
  fs.statSync(path.join(root, 'package-lock.json')).mtimeMs,
);
const built = fs.existsSync(marker);
if (!built || fs.statSync(marker).mtimeMs < sources) {
  const tsc = typescript();
  if (!tsc && built) process.exit(0);
  if (!tsc) {
    process.stderr.write(
      'Start error: dist/ is missing and TypeScript is not installed: build at deploy time with `npm run build` (after `npm install` with dev dependencies)\n',
    );
    process.exit(1);
  }
  process.stderr.write(built ? 'Building (tsc): the sources changed…\n' : 'Building (tsc, about 30 s on the first start)…\n');
  require('./build').build(tsc);
}
