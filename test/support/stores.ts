import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/clock';
import { Store } from '../../src/store';
import { openTestStore } from './test-store';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let cachedReason: string | null | undefined;

/**
 * Whether the PostgreSQL server answers, checked once per test file and synchronously so that
 * jest can declare the server tests as skipped (with the reason printed) before they run.
 */
export function postgresUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  const probe = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 2000 });
    c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', probe, TEST_DATABASE_URL], { encoding: 'utf8', timeout: 5000, cwd: process.cwd() });
  cachedReason =
    result.status === 0
      ? null
      : `no PostgreSQL server answers at ${TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')} (${(result.stderr || result.error?.message || 'timeout').trim().split('\n')[0]}); set TEST_DATABASE_URL to run them`;
  return cachedReason;
}

export interface StoreTarget {
  name: 'PGlite' | 'PostgreSQL';
  open(clock?: Clock): Promise<Store>;
}

export function pgliteTarget(): StoreTarget {
  return { name: 'PGlite', open: (clock) => openTestStore({ clock }) };
}

/** The prefix of schemas made outside a jest run (a script using these helpers). */
const SCHEMA_PREFIX_ALONE = 't_alone';

/**
 * The name of a new schema on the test server: the run's prefix (set by ./global-setup.ts), the
 * worker and a random part. Schemas are dropped at the end of the run (./global-teardown.ts), all
 * together, never while tests run: Kysely's migrator reads every schema of the database
 * (`has_schema_privilege` on each), and a schema dropped by one test in the middle of another's
 * migration made that migration fail with "schema … does not exist".
 */
export function testSchemaName(): string {
  return `${process.env.TEST_SCHEMA_PREFIX ?? SCHEMA_PREFIX_ALONE}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A private schema on the server per test file (dropped at the end of the run). */
export function postgresTarget(): StoreTarget {
  const schema = testSchemaName();
  return {
    name: 'PostgreSQL',
    open: (clock) => Store.open({ databaseUrl: TEST_DATABASE_URL, schema, clock, poolSize: 4 }),
  };
}

/** The targets a store test runs on: PGlite always, the server when it answers. */
export function storeTargets(): StoreTarget[] {
  const reason = postgresUnavailableReason();
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(`PostgreSQL-server tests skipped: ${reason}`);
    return [pgliteTarget()];
  }
  return [pgliteTarget(), postgresTarget()];
}

export function describeServerOnly(): jest.Describe {
  const reason = postgresUnavailableReason();
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(`PostgreSQL-server tests skipped: ${reason}`);
    return describe.skip;
  }
  return describe;
}

/**
 * The store of an in-process test service (./service.ts): a schema of its own on the PostgreSQL
 * server when one answers at TEST_DATABASE_URL, dropped at the end; PGlite in memory otherwise,
 * or with TEST_STORE=pglite. Both are the real store; on a 2-core machine the server's native
 * PostgreSQL costs the suite about a third less CPU than PGlite's WebAssembly one. The embedded
 * store keeps its own tests whatever the setting: the store contract, and every test of a
 * service started as a child process on a DATA_DIR (the sandbox, restarts, kill -9).
 */
export function openServiceStore(clock?: Clock): Promise<Store> {
  return (process.env.TEST_STORE === 'pglite' || postgresUnavailableReason() ? pgliteTarget() : postgresTarget()).open(clock);
}
