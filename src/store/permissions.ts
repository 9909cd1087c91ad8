import fs from 'node:fs';
import path from 'node:path';

/*
 * The embedded store holds drivers' e-mails, names and trip towns: other local users must not
 * read it. PGlite creates its files 0644 and its folders 0755 whatever PostgreSQL asks for, so the
 * process's umask is what keeps them owner-only (0600 / 0700), and a folder made wider before
 * (by hand, by an older version) is reported at start rather than changed behind the operator.
 */

/** From now on, nothing this process creates can be read by the group or others. */
export function createOwnerOnly(): void {
  process.umask(0o077);
}

/** A warning when DATA_DIR or anything in it lets other users in; undefined when all is owner-only. */
export function widerThanOwner(dataDir: string): string | undefined {
  const root = path.resolve(dataDir);
  let first: string | undefined;
  let count = 0;
  const walk = (at: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(at);
    } catch {
      return; // gone meanwhile, or not there yet (a first start)
    }
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) {
      count += 1;
      first ??= `${path.relative(root, at) || root} is ${(stat.mode & 0o777).toString(8)}`;
    }
    if (stat.isDirectory()) {
      try {
        for (const name of fs.readdirSync(at)) walk(path.join(at, name));
      } catch {
        // unreadable: the store's own check says so
      }
    }
  };
  walk(root);
  if (!count) return undefined;
  return `DATA_DIR ${root} can be read by other local users (${first}${count > 1 ? `, ${count} files and folders in all` : ''}), and the store in it holds drivers' e-mails and trips: run chmod -R go= ${root}`;
}
