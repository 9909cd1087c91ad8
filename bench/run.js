#!/usr/bin/env node
// `npm run bench`: runs each benchmark in its own Node process (clean memory figures) and prints
// what it measured. Pass names to run only some: `npm run bench -- report ocean-client`.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ALL = ['ocean-client', 'report', 'daily-fanout', 'morning-burst', 'click-latency', 'soak', 'chaos', 'memory', 'boot', 'teams-installs'];
const chosen = process.argv.slice(2).filter((a) => ALL.includes(a));
const names = chosen.length ? chosen : ALL;
let failed = 0;
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.resolve(__dirname, '../dist/bench', `${name}.js`)], {
    stdio: 'inherit',
    // ENV_FILE empty: a developer's .env never reaches the services a benchmark starts.
    env: { ...process.env, LOG_LEVEL: 'silent', ENV_FILE: '' },
  });
  if (result.status !== 0) {
    failed += 1;
    console.log(`${name} failed (exit ${result.status})`);
  }
}
process.exit(failed ? 1 : 0);
