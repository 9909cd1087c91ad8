import fs from 'node:fs';
import path from 'node:path';

/** The core (src/) never imports a platform SDK or express; adapters depend on it, never the reverse. */
const ROOT = path.resolve(__dirname, '..');
const FORBIDDEN = /from ['"](@slack\/bolt|@slack\/web-api|botbuilder[^'"]*|express|botframework-[^'"]*)['"]|from ['"](\.\.\/)+adapters\//;
// The composition root and the CLI wire adapters in; they are the only exceptions.
const COMPOSITION = new Set(['src/main.ts', 'src/cli.ts']);

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('layers', () => {
  it('nothing in src/ imports a chat SDK, express or an adapter (but the composition root)', () => {
    const offenders = files(path.join(ROOT, 'src'))
      .map((f) => path.relative(ROOT, f))
      .filter((f) => !COMPOSITION.has(f))
      .filter((f) => FORBIDDEN.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('lower layers do not import higher ones (ocean and store know nothing of chat or privacy)', () => {
    const lower = ['src/ocean', 'src/store'];
    const offenders = lower.flatMap((dir) => files(path.join(ROOT, dir))).filter((f) => /from ['"]\.\.\/(chat|privacy|jobs|sandbox)\//.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('botbuilder stays inside adapters/teams', () => {
    const offenders = files(path.join(ROOT, 'adapters'))
      .filter((f) => !f.includes(`${path.sep}teams${path.sep}`))
      .filter((f) => /from ['"]botbuilder/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the boundary check would catch a violation', () => {
    expect(FORBIDDEN.test("import { App } from '@slack/bolt';")).toBe(true);
    expect(FORBIDDEN.test("import { x } from '../../adapters/slack';")).toBe(true);
    expect(FORBIDDEN.test("import { z } from 'zod';")).toBe(false);
  });
});
