import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';

export class LockTimeoutError extends Error {
  constructor(readonly key: string) {
    super(`lock ${key} still held by someone else`);
    this.name = 'LockTimeoutError';
  }
}

export interface KeyLockOptions {
  /** Give up (LockTimeoutError) after waiting this long for another instance. */
  timeoutMs?: number;
  pollMs?: number;
}

/** Holders waiting in this process, per database and key. */
const queues = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `fn` while holding `key`: one holder at a time per key, in this process and across every
 * instance sharing the PostgreSQL database. In-process holders queue in order of arrival; across
 * instances a PostgreSQL advisory lock is held on a connection of its own for the duration.
 * PGlite is one process with one session (where an advisory lock cannot be held against
 * ourselves): the in-process queue is the whole lock there.
 *
 * `fn` should not need the store itself while it holds the lock: with every pooled connection
 * held by a lock holder, it could wait for ever.
 */
export async function withKeyLock<T>(
  store: { db: Kysely<any>; kind: 'pglite' | 'postgres' },
  key: string,
  fn: () => Promise<T>,
  options: KeyLockOptions = {},
): Promise<T> {
  let byKey = queues.get(store.db);
  if (!byKey) {
    byKey = new Map();
    queues.set(store.db, byKey);
  }
  const previous = byKey.get(key) ?? Promise.resolve();
  let release = () => {};
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  byKey.set(key, tail);
  await previous;
  try {
    return store.kind === 'postgres' ? await holdAdvisoryLock(store.db, key, fn, options) : await fn();
  } finally {
    release();
    if (byKey.get(key) === tail) byKey.delete(key);
  }
}

async function holdAdvisoryLock<T>(db: Kysely<any>, key: string, fn: () => Promise<T>, options: KeyLockOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 25;
  return db.connection().execute(async (connection) => {
    const started = Date.now();
    for (;;) {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(connection);
      if (rows[0]?.locked) break;
      if (Date.now() - started > timeoutMs) throw new LockTimeoutError(key);
      await sleep(pollMs);
    }
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection);
    }
  });
}
