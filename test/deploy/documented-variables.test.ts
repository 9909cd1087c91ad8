import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config';

/*
 * An operator configures the service from README's table and .env.example: every variable the
 * service reads is in both, and neither names one it does not read (.env.example had left HOST,
 * RETENTION_DAYS and TEAMS_TENANTS out).
 */
const ROOT = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
// Read outside the configuration's schema: the listening address (src/main.ts) and the file of variables (src/env-file.ts).
const READ = [...CONFIG_VARIABLES, 'HOST', 'ENV_FILE'];

const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
const tableRows = configuration.split('\n').filter((line) => line.startsWith('| `'));
const inTable = new Set(tableRows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string)));
const inExample = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string));

describe('the variables an operator sets', () => {
  it.each(READ)("%s is in README's configuration table and in .env.example", (name) => {
    expect(inTable.has(name) ? name : `${name} missing from README's table`).toBe(name);
    expect(inExample.has(name) ? name : `${name} missing from .env.example`).toBe(name);
  });

  it('README and .env.example name no variable the service does not read', () => {
    expect(READ.length).toBeGreaterThan(40);
    expect([...inTable].filter((name) => !READ.includes(name))).toEqual([]);
    expect([...inExample].filter((name) => !READ.includes(name))).toEqual([]);
  });
});
