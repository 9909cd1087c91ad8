import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Clock } from '../../src/clock';
import { Store } from '../../src/store';

/*
 * Fresh, migrated PGlite stores for tests, in a fraction of a second instead of several.
 *
 * Creating a PGlite database runs initdb (seconds, tens of seconds on a busy machine), then every
 * migration. Jest's global setup (test/support/global-setup.ts) does that ONCE per run into a
 * template; each test then starts from a copy of it:
 *
 *   const store = await openTestStore({ clock });      // in memory, instead of Store.open({ clock })
 *   copyTemplateInto(dataDir);                          // DATA_DIR of a child service or CLI: a store
 *                                                       // as a first start leaves it, already made
 *
 * The copy is the real store: same PGlite, same migrations (Store.open still checks and applies
 * any that the template lacks). startTestService (./service.ts) and pgliteTarget (./stores.ts)
 * use it already. A test about creating a store (first start, initdb) must not use it.
 * The template lives in the system's temp folder, named after what makes it (the migrations and
 * PGlite's version): a later run reuses it, a changed migration makes a new one.
 */

const ROOT = path.resolve(__dirname, '../..');

/** The template's folder: `<dir>/pglite` is a store's folder, `<dir>/pglite.tar` its dump. */
export function templateDir(): string {
  const hash = createHash('sha256');
  for (const file of ['src/store/migrations.ts', 'src/store/connect.ts', 'node_modules/@electric-sql/pglite/package.json'])
    hash.update(fs.readFileSync(path.join(ROOT, file)));
  return path.join(os.tmpdir(), `ocean-privacy-test-store-${hash.digest('hex').slice(0, 16)}`);
}

/** Builds the template unless it is there already (jest's global setup calls this once per run). */
export async function ensureTemplate(): Promise<string> {
  const dir = templateDir();
  if (fs.existsSync(path.join(dir, 'pglite.tar'))) return dir;
  // Built beside, then renamed: a run cut short, or another run building at the same time,
  // never leaves a half-made template in place.
  const building = fs.mkdtempSync(`${dir}.building-`);
  try {
    const store = await Store.open({ dataDir: building });
    await store.close();
    const pglite = await PGlite.create({ dataDir: path.join(building, 'pglite') });
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    fs.writeFileSync(path.join(building, 'pglite.tar'), Buffer.from(await dump.arrayBuffer()));
    try {
      fs.renameSync(building, dir);
    } catch {
      // Another run put its own in place first: the same template.
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

let dump: Promise<Blob> | undefined;

function templateDump(): Promise<Blob> {
  dump ??= ensureTemplate().then((dir) => new Blob([fs.readFileSync(path.join(dir, 'pglite.tar'))]));
  return dump;
}

/** A new in-memory store, migrated, starting from the template. Close it like any store. */
export async function openTestStore(options: { clock?: Clock } = {}): Promise<Store> {
  return Store.open({ clock: options.clock, template: await templateDump() });
}

/**
 * Puts a copy of the template's store in `dataDir` (as `dataDir/pglite`, what DATA_DIR holds),
 * for a child service or CLI started on it, or `Store.open({ dataDir })`.
 */
export async function copyTemplateInto(dataDir: string): Promise<void> {
  const dir = await ensureTemplate();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.cpSync(path.join(dir, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
}
