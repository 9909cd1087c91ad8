import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors';

/*
 * The embedded store's folder before PGlite sees it. PGlite runs initdb over any folder without
 * PG_VERSION, replacing the catalog of a store that lost one file: the pending answers and the
 * record of prompts sent would be gone and every driver prompted again. So a folder is opened
 * only when it is missing or empty (a first start) or holds every part of a store, and its files
 * are left as they are otherwise.
 */

export type FolderState = 'new' | 'store';

/** What a complete store has (PostgreSQL's data directory as PGlite's initdb writes it). */
const REQUIRED = ['PG_VERSION', 'postgresql.conf', 'global/pg_control', 'base', 'pg_wal', 'pg_xact'];
const PAGE = 8192;
const CONTROL_FILE_SIZE = 8192;
/** Relation files: main fork, free space map, visibility map, init fork, and 1 GB segments. */
const RELATION_FILE = /^\d+(_fsm|_vm|_init)?(\.\d+)?$/;
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

const WHAT_TO_DO = 'Nothing in it was changed: restore the folder from a backup, or move it aside to start with an empty store';

export function inspectStoreFolder(folder: string): FolderState {
  let entries: string[];
  try {
    entries = fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'new';
    throw new StoreError(`${folder} cannot be read (${(error as NodeJS.ErrnoException).code}): check DATA_DIR and its permissions`);
  }
  if (entries.length === 0) return 'new';
  const missing = REQUIRED.find((entry) => !fs.existsSync(path.join(folder, entry)));
  if (missing) throw new StoreError(`${folder} is not empty but is not a complete store (${missing} is missing). ${WHAT_TO_DO}`);
  const damage = damagedFile(folder);
  if (damage) throw new StoreError(`${folder} is damaged (${damage}). ${WHAT_TO_DO}`);
  return 'store';
}

/** A file whose size no intact store has: cut-off tables, control file or WAL segments. */
function damagedFile(folder: string): string | undefined {
  const control = fs.statSync(path.join(folder, 'global/pg_control'));
  if (control.size !== CONTROL_FILE_SIZE) return `global/pg_control has ${control.size} bytes instead of ${CONTROL_FILE_SIZE}`;
  const relationDirs = ['global', ...fs.readdirSync(path.join(folder, 'base')).map((db) => path.join('base', db))];
  for (const dir of relationDirs) {
    for (const name of fs.readdirSync(path.join(folder, dir))) {
      if (!RELATION_FILE.test(name)) continue;
      const { size } = fs.statSync(path.join(folder, dir, name));
      if (size % PAGE !== 0) return `${dir}/${name} is cut off: ${size} bytes is not a whole number of ${PAGE / 1024} kB pages`;
    }
  }
  const segments = fs.readdirSync(path.join(folder, 'pg_wal')).filter((name) => WAL_SEGMENT.test(name));
  if (segments.length === 0) return 'pg_wal holds no WAL segment';
  for (const name of segments) {
    const { size } = fs.statSync(path.join(folder, 'pg_wal', name));
    // Segments are preallocated to the cluster's segment size: a power of two from 1 MB to 1 GB.
    if (size < 1 << 20 || size > 1 << 30 || (size & (size - 1)) !== 0) return `pg_wal/${name} is cut off (${size} bytes)`;
  }
  return undefined;
}

/** The message for a store PostgreSQL itself could not start on. */
export function damagedStore(folder: string, uncopied?: 'no room for a copy'): StoreError {
  if (uncopied)
    return new StoreError(
      `${folder} is damaged: PostgreSQL could not start on its files, and DATA_DIR had no room to copy them first, so its control file and WAL may have been rewritten: restore the folder from a backup, or move it aside to start with an empty store`,
    );
  return new StoreError(`${folder} is damaged: PostgreSQL could not start on its files. ${WHAT_TO_DO}`);
}
