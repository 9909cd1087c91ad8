import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { type DatabaseIntrospector, type Dialect, type Driver, Kysely, type KyselyConfig, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { StoreError } from './errors';
import { damagedStore, inspectStoreFolder } from './folder';
import { StoreLock } from './lock';
import type { Database } from './schema';
import { copyBeforeStart } from './start-copy';
import { connectionFailure, tlsOption, withoutTlsParameters } from './tls';
import { ReservingPool } from './urgent';

const INT8 = 20;
const DATE = 1082;

/**
 * PostgreSQL's default shared_buffers (128 MB) is all resident once PGlite has started: the bot's
 * working set is a few megabytes, and the operating system caches the files anyway.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

export interface ConnectOptions {
  /** postgres://… : a PostgreSQL server. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's files; unset with no databaseUrl: in memory (tests). */
  dataDir?: string;
  /**
   * In memory only: the files to start from, a dump of a store made by PGlite's `dumpDataDir`.
   * Tests start each store from one migrated template (test/support/test-store.ts) instead of
   * creating a new database (initdb, seconds) every time.
   */
  template?: Blob;
  /** A PostgreSQL schema to work in (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
  /** Called after each statement with its SQL and duration (diagnostics: what a request costs the store). */
  onStatement?: (sql: string, durationMs: number) => void;
}

export interface Connection {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
}

/**
 * Ids are int64 in Ocean but fit in a JS number (REFERENCE §0): read int8 as number. Days stay
 * `yyyy-MM-dd` strings: a Date would shift them by the server's time zone.
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  if (options.databaseUrl) return connectServer(options.databaseUrl, options);
  if (!options.dataDir) return { db: pgliteDb(await openPGlite(undefined, false, options.template), undefined, options), kind: 'pglite' };
  const dataDir = path.resolve(options.dataDir);
  const folder = path.join(dataDir, 'pglite');
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(`DATA_DIR ${dataDir} cannot be created (${(error as NodeJS.ErrnoException).code}): check the path and its permissions`);
  }
  const lock = StoreLock.acquire(dataDir, folder);
  try {
    const created = inspectStoreFolder(folder) === 'new';
    if (created) await createStore(folder);
    return { db: pgliteDb(await openPGlite(folder, !created), () => lock.release(), options), kind: 'pglite' };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function connectServer(databaseUrl: string, options: ConnectOptions): Promise<Connection> {
  const ssl = await tlsOption(databaseUrl);
  const connectionString = withoutTlsParameters(databaseUrl);
  if (options.schema)
    await createSchema(connectionString, ssl, options.schema).catch((error: unknown) => Promise.reject(connectionFailure(error, databaseUrl)));
  const max = Math.max(2, options.poolSize ?? 10);
  const pool = new pg.Pool({
    connectionString,
    ssl,
    max,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (value: string) => Number(value);
        if (oid === DATE) return (value: string) => value;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // One connection now, so that a refusal (TLS, password, host) stops the start with its reason.
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionFailure(error, databaseUrl);
  }
  // Two connections wait for what acknowledgements wait on (src/store/urgent.ts).
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: new ReservingPool(pool, max - Math.min(2, max - 1)) }), log: statementLog(options) }),
    kind: 'postgres',
  };
}

/** `keepCopy`: an existing store, copied first so that a refused start leaves it as it was. `template`: an in-memory store's starting contents. */
async function openPGlite(folder: string | undefined, keepCopy = false, template?: Blob): Promise<PGlite> {
  const copy = folder && keepCopy ? copyBeforeStart(folder) : undefined;
  const pidFile = folder && path.join(folder, 'postmaster.pid');
  const hadPidFile = pidFile !== undefined && fs.existsSync(pidFile);
  try {
    const pglite = await PGlite.create({
      dataDir: folder,
      ...(template && !folder ? { loadDataDir: template } : {}),
      startParams: PGLITE_START_PARAMS,
      parsers: { [INT8]: (value: string) => Number(value), [DATE]: (value: string) => value },
    });
    copy?.discard();
    return pglite;
  } catch (error) {
    if (!folder) throw error;
    if (copy) {
      copy.restore();
      throw damagedStore(folder);
    }
    // PostgreSQL wrote its pid file before it gave up on the files: take back what we added.
    if (!hadPidFile && pidFile) fs.rmSync(pidFile, { force: true });
    throw damagedStore(folder, keepCopy ? 'no room for a copy' : undefined);
  }
}

const run = promisify(execFile);

/**
 * Creates a new store in a folder beside `folder`, then moves it into place: a first start cut
 * short leaves no half-made store behind, only a `.creating` folder that the next start removes.
 * Created in a child process: initdb runs a second PostgreSQL instance whose memory (several
 * hundred megabytes) would otherwise stay with the service until a garbage collection long after.
 */
async function createStore(folder: string): Promise<void> {
  const parent = path.dirname(folder);
  const temp = `${folder}.creating`;
  fs.rmSync(temp, { recursive: true, force: true });
  const script = `
    const { PGlite } = require(process.argv[1]);
    PGlite.create({ dataDir: process.argv[2], startParams: JSON.parse(process.argv[3]) })
      .then((db) => db.close())
      .then(() => process.exit(0), (e) => { process.stderr.write(String((e && e.message) || e)); process.exit(1); });`;
  try {
    await run(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), temp, JSON.stringify(PGLITE_START_PARAMS)], {
      cwd: parent,
      timeout: 300_000,
    });
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    const reason = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0];
    throw new StoreError(`the embedded store could not be created in ${folder}: ${reason}`);
  }
  try {
    if (fs.existsSync(folder)) fs.rmdirSync(folder); // empty, as inspected
    fs.renameSync(temp, folder);
  } catch {
    // The folder is a mount point of its own (a volume): fill it instead of replacing it.
    fs.cpSync(temp, folder, { recursive: true });
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

function pgliteDb(pglite: PGlite, onClosed: (() => void) | undefined, options: ConnectOptions): Kysely<Database> {
  const dialect = new PGliteDialect(pglite);
  return new Kysely<Database>({ dialect: onClosed ? closingDialect(dialect, onClosed) : dialect, log: statementLog(options) });
}

function statementLog({ onStatement }: ConnectOptions): KyselyConfig['log'] {
  return onStatement && ((event) => onStatement(event.query.sql, event.queryDurationMillis));
}

/** The dialect with `onClosed` called once its database is closed (the store's lock is released then). */
function closingDialect(dialect: Dialect, onClosed: () => void): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => dialect.createIntrospector(db),
    createDriver: (): Driver => {
      const driver = dialect.createDriver();
      return new Proxy(driver, {
        get(target, property) {
          if (property === 'destroy') {
            return async () => {
              try {
                await target.destroy();
              } finally {
                onClosed();
              }
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}

async function createSchema(connectionString: string, ssl: Awaited<ReturnType<typeof tlsOption>>, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString, ssl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}
