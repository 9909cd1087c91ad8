import pg from 'pg';
import { TEST_DATABASE_URL, testSchemaName } from './stores';

/**
 * A fresh schema on the test server and a DATABASE_URL that works in it (search_path). It goes
 * with the others at the end of the run (./global-teardown.ts), never during it: see testSchemaName.
 */
export async function freshSchema(): Promise<{ url: string }> {
  const schema = testSchemaName();
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString() };
}
