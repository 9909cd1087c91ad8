import pg from 'pg';
import { TEST_DATABASE_URL } from './stores';

/*
 * Jest's global teardown, once every worker has stopped: the schemas this run made on the
 * PostgreSQL server go, all together (./stores.ts testSchemaName says why not one by one).
 */
export default async function globalTeardown(): Promise<void> {
  const prefix = process.env.TEST_SCHEMA_PREFIX;
  if (!prefix) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return; // no server: no schemas either
  }
  try {
    const { rows } = await client.query<{ name: string }>('select nspname as name from pg_namespace where left(nspname, length($1)) = $1', [prefix]);
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } catch (error) {
    process.stdout.write(`\nthis run's test schemas (${prefix}_*) were not all dropped: ${(error as Error).message}\n`);
  } finally {
    await client.end();
  }
}
