import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * `npm install` on Node 20 prints no EBADENGINE warning (issue 27, item 10): every package the
 * lockfile installs, dev dependencies included, accepts the oldest Node the README promises.
 */

const ROOT = path.resolve(__dirname, '../..');
// npm's own range rules (semver comes with the dev tools; it is what npm checks engines with).
const semver = createRequire(__filename)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } };

it('every locked package accepts the oldest Node 20 the service supports', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const oldest = semver.minVersion(manifest.engines.node).version;
  expect(oldest.startsWith('20.')).toBe(true);
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[] }>;
  };
  const refused = Object.entries(lock.packages)
    .filter(([name, entry]) => name && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
    .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
    .map(([name, entry]) => `${name.replace(/^node_modules\//, '')} wants Node ${(entry.engines as { node: string }).node}`);
  expect(refused).toEqual([]);
});
