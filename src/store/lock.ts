import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreError } from './errors';

/*
 * One process at a time opens an embedded store: PGlite is PostgreSQL in single-user mode, and two
 * of them on one folder would each write their own version of the files. The holder writes its
 * pid into `<DATA_DIR>/pglite.lock`, created exclusively; a lock whose process is gone (killed,
 * crashed, or a zombie its parent has not reaped yet) is stale and taken over at once. The process's start time is recorded as well, so a
 * pid reused by another program after a reboot does not pass for the holder. A plain pid file
 * rather than a lock refreshed on a timer (proper-lockfile): PGlite's queries run on the event
 * loop, and a timer held up by one would let a second writer in.
 */

export interface LockHolder {
  pid: number;
  host: string;
  /** The process's start time as Linux reports it (with the boot id); absent elsewhere. */
  started?: string;
  command: string;
  since: string;
  nonce: string;
  /** Where the running service takes `npm run daily`'s hand-off, and the token it asks for. */
  url?: string;
  token?: string;
}

const held = new Map<string, StoreLock>();

export class StoreLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly file: string,
    private holder: LockHolder,
  ) {
    process.once('exit', this.onExit);
  }

  /** The secret the hand-off route asks for: only who can read the store's folder knows it. */
  get token(): string {
    return this.holder.token as string;
  }

  /** Takes the lock of the store in `dataDir`, or throws a StoreError naming `folder` and its holder. */
  static acquire(dataDir: string, folder: string): StoreLock {
    const file = lockFile(dataDir);
    if (held.has(file)) throw new StoreError(`${folder} is already open in this process`);
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      started: processStart(process.pid),
      command: process.argv
        .slice(1)
        .map((a) => path.basename(a))
        .join(' ')
        .slice(0, 200),
      since: new Date().toISOString(),
      nonce: randomBytes(8).toString('hex'),
      token: randomBytes(24).toString('base64url'),
    };
    // Written whole first, then linked into place: a link fails when the lock exists, and nobody
    // ever reads a lock file that is still being written.
    const temp = `${file}.${holder.nonce}.tmp`;
    try {
      fs.writeFileSync(temp, JSON.stringify(holder), { mode: 0o600 });
    } catch (error) {
      throw new StoreError(`${path.dirname(file)} cannot be written (${(error as NodeJS.ErrnoException).code}): check DATA_DIR and its permissions`);
    }
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          fs.linkSync(temp, file);
          const lock = new StoreLock(file, holder);
          held.set(file, lock);
          return lock;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
            throw new StoreError(`${file} cannot be created (${(error as NodeJS.ErrnoException).code}): DATA_DIR must be on a local file system`);
        }
        const current = readHolder(file);
        if (current && isAlive(current)) throw new StoreError(inUse(folder, file, current));
        removeStale(file, current);
      }
    } finally {
      fs.rmSync(temp, { force: true });
    }
    throw new StoreError(`${folder} is being opened by another process at the same moment; try again`);
  }

  /** Tells `npm run daily` where this service listens (written into the lock file). */
  advertise(url: string): void {
    if (this.released) return;
    this.holder = { ...this.holder, url };
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.holder), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    held.delete(this.file);
    // Only our own lock: after a takeover the file may be someone else's.
    if (readHolder(this.file)?.nonce === this.holder.nonce) fs.rmSync(this.file, { force: true });
  }
}

/** The lock this process holds on the store in `dataDir`, if any. */
export function heldStoreLock(dataDir: string): StoreLock | undefined {
  return held.get(lockFile(dataDir));
}

/** The live process holding the store in `dataDir`, if any (a stale lock counts as none). */
export function storeHolder(dataDir: string): LockHolder | undefined {
  const holder = readHolder(lockFile(dataDir));
  return holder && isAlive(holder) ? holder : undefined;
}

export function inUse(folder: string, file: string, holder: LockHolder): string {
  const where = holder.host === os.hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
  return `${folder} is in use by ${where} (${holder.command}, since ${holder.since}): one process at a time opens the embedded store. Stop that one first, or give this one another DATA_DIR (or DATABASE_URL); if no such process exists, delete ${file}`;
}

function lockFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pglite.lock');
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.nonce === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    // Missing, or cut short by a crash while it was written: no holder to respect.
    return undefined;
  }
}

function isAlive(holder: LockHolder): boolean {
  // Another machine's process (a shared volume) cannot be checked from here: it holds.
  if (holder.host !== os.hostname()) return true;
  // Our own pid in a lock we do not hold: left by an earlier run in a container that reuses pids.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // A zombie (killed, not yet reaped by its parent) holds no file and no lock.
  if (isZombie(holder.pid)) return false;
  const started = processStart(holder.pid);
  return !(holder.started && started && started !== holder.started);
}

/**
 * Moves a stale lock aside and removes it. If what was moved is not the lock judged stale (another
 * starter replaced it in between), it is put back and that starter keeps it.
 */
function removeStale(file: string, stale: LockHolder | undefined): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // gone already: try to create it again
  }
  const moved = readHolder(aside);
  if (moved && moved.nonce !== stale?.nonce) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // someone created a new lock meanwhile: theirs stands
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Linux: the process is dead and only waits for its parent to collect its exit status (state Z or X). */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Linux: boot id and start time in clock ticks, which together name one process. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}:${fields[19]}`;
  } catch {
    return undefined;
  }
}
