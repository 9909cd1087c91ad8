import fs from 'node:fs';
import path from 'node:path';

/*
 * A refused store stays as it was, byte for byte. PostgreSQL rewrites its control file (and may
 * write WAL and, recovering from a crash, table pages) before it meets a damaged catalog, so
 * checking the folder beforehand cannot be enough: the folder is copied beside itself before
 * PGlite opens it, and a failed start puts back every file that differs from the copy and removes
 * what PostgreSQL added. A start that succeeds removes the copy.
 */

export interface StartCopy {
  /** Makes the folder equal to the copy again, then removes the copy. */
  restore(): void;
  discard(): void;
}

/** Copies `folder` beside itself; undefined when there is no room for the copy. */
export function copyBeforeStart(folder: string): StartCopy | undefined {
  const copy = `${folder}.before-start`;
  fs.rmSync(copy, { recursive: true, force: true });
  try {
    fs.cpSync(folder, copy, { recursive: true, preserveTimestamps: true });
  } catch {
    fs.rmSync(copy, { recursive: true, force: true });
    return undefined;
  }
  return {
    restore() {
      putBack(copy, folder);
      fs.rmSync(copy, { recursive: true, force: true });
    },
    discard() {
      fs.rmSync(copy, { recursive: true, force: true });
    },
  };
}

function putBack(from: string, to: string): void {
  const kept = new Set(fs.readdirSync(from));
  for (const name of fs.readdirSync(to)) {
    if (!kept.has(name)) fs.rmSync(path.join(to, name), { recursive: true, force: true });
  }
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (!fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
        fs.rmSync(target, { recursive: true, force: true });
        fs.mkdirSync(target, { mode: fs.statSync(source).mode & 0o777 });
      }
      putBack(source, target);
    } else if (!sameFile(source, target)) {
      fs.rmSync(target, { recursive: true, force: true });
      fs.copyFileSync(source, target);
      const { atime, mtime } = fs.statSync(source);
      fs.utimesSync(target, atime, mtime);
    }
  }
}

function sameFile(a: string, b: string): boolean {
  const other = fs.statSync(b, { throwIfNoEntry: false });
  if (!other?.isFile() || other.size !== fs.statSync(a).size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}
