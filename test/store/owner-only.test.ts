import fs from 'node:fs';
import path from 'node:path';
import { startService, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';

/*
 * Issue 28: the embedded store holds drivers' e-mails and trip towns. Everything the service
 * creates in DATA_DIR is its owner's only (folders 0700, files 0600), and a start on a folder
 * other local users can read says so.
 */

jest.setTimeout(120_000);

/** Every path under `dir` (itself included) whose mode lets group or others in, with its mode. */
function wider(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    const { mode } = fs.statSync(at);
    if (mode & 0o077) found.push(`${path.relative(dir, at) || '.'} ${(mode & 0o777).toString(8)}`);
    if (fs.statSync(at).isDirectory()) for (const name of fs.readdirSync(at)) walk(path.join(at, name));
  };
  walk(dir);
  return found;
}

describe('DATA_DIR is owner-only', () => {
  it('a first start creates DATA_DIR, the store and every file in it readable by their owner only', async () => {
    const parent = tempDir('owner-only');
    const dataDir = path.join(parent, 'data');
    const service = await startService({ DATA_DIR: dataDir });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const lock = wider(dataDir);
    expect((await service.stop()).code).toBe(0);
    expect(lock).toEqual([]);
    expect(wider(dataDir)).toEqual([]);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dataDir, 'pglite', 'global', 'pg_control')).mode & 0o777).toBe(0o600);
    expect(service.output()).not.toContain('other local users');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('a start on an existing folder others can read warns, naming the folder and how to close it', async () => {
    // A made store (the template), opened wide to everyone as a copy under umask 022 leaves it.
    const dataDir = tempDir('owner-wide');
    await copyTemplateInto(dataDir);
    const widen = (at: string) => {
      const folder = fs.statSync(at).isDirectory();
      fs.chmodSync(at, folder ? 0o755 : 0o644);
      if (folder) for (const name of fs.readdirSync(at)) widen(path.join(at, name));
    };
    widen(dataDir);
    expect(wider(dataDir).length).toBeGreaterThan(1);
    const service = await startService({ DATA_DIR: dataDir });
    expect((await service.stop()).code).toBe(0);
    const warning = service
      .output()
      .split('\n')
      .find((line) => line.includes('other local users'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning as string)).toMatchObject({ level: 'warn' });
    expect(warning).toContain(`chmod -R go= ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
