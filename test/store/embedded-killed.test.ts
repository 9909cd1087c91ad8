import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { Store } from '../../src/store';
import { ROOT, startService, tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';
import { eventually } from '../support/wait';

/*
 * Issue 16, the embedded store: a store left by a process killed with SIGKILL is not damaged:
 * PostgreSQL replays its WAL and every write that was acknowledged is there. (Folders that are
 * not a complete store, or damaged: embedded-folder.test.ts.)
 */

jest.setTimeout(120_000);

describe('a store left by a process killed with SIGKILL', () => {
  // Writes one row after another through the store, printing each id once its insert resolved.
  const WRITER = `
    const { Store } = require(${JSON.stringify(path.join(ROOT, 'dist/src/store/index.js'))});
    const { sql } = require('kysely');
    (async () => {
      const store = await Store.open({ dataDir: process.argv[1] });
      await sql\`create table if not exists acknowledged (id int primary key, body text)\`.execute(store.db);
      const start = (await sql\`select coalesce(max(id), 0) as n from acknowledged\`.execute(store.db)).rows[0].n;
      for (let id = start + 1; ; id += 1) {
        await sql\`insert into acknowledged (id, body) values (\${id}, \${'x'.repeat(500)})\`.execute(store.db);
        process.stdout.write(id + '\\n');
      }
    })();`;

  /** Kills the writer once `afterWrites` of its writes were acknowledged; returns the last acknowledged id. */
  async function killWhileWriting(dataDir: string, afterWrites: number): Promise<number> {
    const child = spawn(process.execPath, ['-e', WRITER, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Writes flowing, killed in the middle of them: after a few, after more.
    await eventually(() => out.split('\n').length > afterWrites || child.exitCode !== null, { timeout: 60_000, interval: 5 });
    child.kill('SIGKILL');
    await exited;
    const acked = out.trim().split('\n').map(Number);
    return acked[acked.length - 1] ?? 0;
  }

  it('opens normally at the next start, with every acknowledged write, however often it happens', async () => {
    const dataDir = tempDir('store-killed');
    await copyTemplateInto(dataDir);
    let acknowledged = 0;
    for (const afterWrites of [1, 60, 400]) {
      acknowledged = await killWhileWriting(dataDir, afterWrites);
      expect(acknowledged).toBeGreaterThan(0);
      // The lock of the dead process is there; the next start takes it over and PostgreSQL recovers.
      expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(true);
      const service = await startService({ DATA_DIR: dataDir });
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      expect((await service.stop()).code).toBe(0);
      const store = await Store.open({ dataDir });
      const { rows } = await sql<{ n: number; top: number }>`select count(*)::int as n, max(id) as top from acknowledged`.execute(store.db);
      await store.close();
      expect(rows[0]?.top).toBeGreaterThanOrEqual(acknowledged);
      expect(rows[0]?.n).toBe(rows[0]?.top); // no hole
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
