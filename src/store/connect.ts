import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema';

const INT8 = 20;
const DATE = 1082;

export interface ConnectOptions {
  /** postgres://… : a PostgreSQL server. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's files; unset with no databaseUrl: in memory (tests). */
  dataDir?: string;
  /** A PostgreSQL schema to work in (tests isolate themselves this way). */
  schema?: string;
  poolSize?: number;
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
  if (options.databaseUrl) {
    if (options.schema) await createSchema(options.databaseUrl, options.schema);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      options: options.schema ? `-c search_path=${options.schema}` : undefined,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8) return (value: string) => Number(value);
          if (oid === DATE) return (value: string) => value;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  if (options.dataDir) fs.mkdirSync(path.resolve(options.dataDir), { recursive: true });
  const pglite = await PGlite.create({
    dataDir: options.dataDir ? path.resolve(options.dataDir, 'pglite') : undefined,
    parsers: { [INT8]: (value: string) => Number(value), [DATE]: (value: string) => value },
  });
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), kind: 'pglite' };
}

async function createSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}
