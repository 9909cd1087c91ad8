import { ensureTemplate } from './test-store';

/*
 * Jest's global setup, run once before the workers start: the migrated PGlite template that
 * openTestStore() and copyTemplateInto() copy (./test-store.ts).
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dir = await ensureTemplate();
  process.stdout.write(`\nPGlite template store: ${dir} (${Date.now() - started} ms)\n`);
}
