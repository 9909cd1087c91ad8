import { type Kysely, type RawBuilder, sql } from 'kysely';
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

/**
 * `claimRequest` as the body of a CTE, for a statement that claims with what it does (its rows:
 * the key when it was new, none for a replay or when there is no key).
 */
export function claimRequestSql(key: string | undefined, now: Date): RawBuilder<unknown> {
  return key === undefined
    ? sql`select null::text as key where false`
    : sql`insert into handled_requests (key, handled_at) values (${key.slice(0, 300)}, ${now}) on conflict (key) do nothing returning key`;
}
