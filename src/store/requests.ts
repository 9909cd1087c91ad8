import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** True when `key` was not handled before (and is now recorded as handled), inside `trx`. */
export async function claimRequest(trx: Kysely<Database>, key: string, now: Date): Promise<boolean> {
  const row = await trx
    .insertInto('handled_requests')
    .values({ key: key.slice(0, 300), handled_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
