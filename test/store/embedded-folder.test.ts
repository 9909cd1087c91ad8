import fs from 'node:fs';
import path from 'node:path';
import { runToExit, snapshot, startService, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';

/*
 * Issue 16, the embedded store: a folder that is not a complete store, or whose files are damaged,
 * stops the start with one line naming it and what to do, and its files stay as they were. A
 * store left by a process killed with SIGKILL is not damaged: PostgreSQL replays its WAL and
 * every write that was acknowledged is there (embedded-killed.test.ts).
 */

jest.setTimeout(120_000);

let template: string;

beforeAll(async () => {
  // One store made the way a first start makes it, copied for each case.
  template = tempDir('store-template');
  await copyTemplateInto(template);
});

afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

function copyOfStore(): { dataDir: string; folder: string } {
  const dataDir = tempDir('store-case');
  fs.cpSync(template, dataDir, { recursive: true });
  return { dataDir, folder: path.join(dataDir, 'pglite') };
}

async function refusedStart(dataDir: string): Promise<string> {
  const result = await runToExit({ DATA_DIR: dataDir });
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/Aborted|ASSERTIONS|\bat .*\.js/);
  // The refused start leaves the store free for the next one.
  expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
  return lines[0] as string;
}

describe('the embedded store folder at start', () => {
  it('a folder without PG_VERSION is refused with one line naming it, and its files are left untouched', async () => {
    const { dataDir, folder } = copyOfStore();
    fs.rmSync(path.join(folder, 'PG_VERSION'));
    const before = snapshot(folder);
    const line = await refusedStart(dataDir);
    expect(line).toBe(
      `Store error: ${folder} is not empty but is not a complete store (PG_VERSION is missing). Nothing in it was changed: restore the folder from a backup, or move it aside to start with an empty store`,
    );
    expect(snapshot(folder)).toEqual(before);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a folder holding other files is not taken for a new store', async () => {
    const dataDir = tempDir('store-other');
    const folder = path.join(dataDir, 'pglite');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a store');
    const line = await refusedStart(dataDir);
    expect(line).toContain(`${folder} is not empty but is not a complete store`);
    expect(fs.readdirSync(folder)).toEqual(['notes.txt']);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("garbage in the WAL gives the damaged-store line, not PostgreSQL's abort, and the files stay as they were", async () => {
    const { dataDir, folder } = copyOfStore();
    const segment = fs.readdirSync(path.join(folder, 'pg_wal')).find((f) => /^[0-9A-F]{24}$/.test(f)) as string;
    const fd = fs.openSync(path.join(folder, 'pg_wal', segment), 'r+');
    fs.writeSync(fd, Buffer.alloc(64 * 1024, 0x5a), 0, 64 * 1024, 0);
    fs.closeSync(fd);
    const before = snapshot(folder);
    const line = await refusedStart(dataDir);
    expect(line).toBe(
      `Store error: ${folder} is damaged: PostgreSQL could not start on its files. Nothing in it was changed: restore the folder from a backup, or move it aside to start with an empty store`,
    );
    expect(snapshot(folder)).toEqual(before);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['its database folder base/5 removed', (folder: string) => fs.rmSync(path.join(folder, 'base', '5'), { recursive: true })],
    ['its pg_class table emptied', (folder: string) => fs.truncateSync(path.join(folder, 'base', '5', '1259'), 0)],
  ])('a store with %s is refused, and every file is left byte for byte as it was', async (_what, damage) => {
    const { dataDir, folder } = copyOfStore();
    damage(folder);
    const before = snapshot(folder);
    const line = await refusedStart(dataDir);
    expect(line).toContain(`${folder} is damaged: PostgreSQL could not start on its files. Nothing in it was changed`);
    expect(snapshot(folder)).toEqual(before);
    expect(fs.existsSync(`${folder}.before-start`)).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a table file cut off in the middle of a page is refused as damaged', async () => {
    const { dataDir, folder } = copyOfStore();
    const db = path.join(folder, 'base', fs.readdirSync(path.join(folder, 'base')).sort().pop() as string);
    const table = fs.readdirSync(db).find((f) => /^\d+$/.test(f) && fs.statSync(path.join(db, f)).size >= 16384) as string;
    fs.truncateSync(path.join(db, table), 16384 - 100);
    const line = await refusedStart(dataDir);
    expect(line).toContain(`${folder} is damaged (base/${path.basename(db)}/${table} is cut off: 16284 bytes is not a whole number of 8 kB pages)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a cut-off control file is refused as damaged', async () => {
    const { dataDir, folder } = copyOfStore();
    fs.truncateSync(path.join(folder, 'global', 'pg_control'), 100);
    expect(await refusedStart(dataDir)).toContain(`${folder} is damaged (global/pg_control has 100 bytes instead of 8192)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("an empty folder (the Docker image's /data) is a first start", async () => {
    const dataDir = tempDir('store-empty');
    const service = await startService({ DATA_DIR: dataDir });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    expect((await service.stop()).code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    // The store, no lock left behind, and (sandbox mode) the Ocean simulator's state.
    expect(fs.readdirSync(dataDir).sort()).toEqual(['ocean-simulator.json', 'pglite']);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
