import { randomBytes } from 'node:crypto';
import { ensureTemplate } from './test-store';

/*
 * Jest's global setup, run once before the workers start: the migrated PGlite template that
 * openTestStore() and copyTemplateInto() copy (./test-store.ts), and the prefix of this run's
 * schemas on the PostgreSQL server (./stores.ts testSchemaName), which the workers inherit and
 * the global teardown drops.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // No developer's .env reaches a service a test starts as a child process (src/env-file.ts).
  process.env.ENV_FILE = '';
  process.env.TEST_SCHEMA_PREFIX = `t_run${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dir = await ensureTemplate();
  process.stdout.write(`\nPGlite template store: ${dir} (${Date.now() - started} ms)\n`);
}
