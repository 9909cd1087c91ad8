import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from './schema';

/** Cron run claims: one instance fires each scheduled run (node-cron's RunCoordinator). */
export class RunTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** True for exactly one caller per key until the claim expires. */
  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const expires = new Date(now.getTime() + ttlMs);
    const row = await this.db
      .insertInto('cron_claims')
      .values({ key, claimed_by: owner, claimed_at: now, expires_at: expires, completed_at: null })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ claimed_by: owner, claimed_at: now, expires_at: expires, completed_at: null })
          .where('cron_claims.expires_at', '<', now)
          .where('cron_claims.completed_at', 'is', null),
      )
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Runs claimed under `prefix` that never completed: their instance may have died. */
  async incomplete(prefix: string): Promise<{ key: string; expiresAt: Date }[]> {
    const rows = await this.db
      .selectFrom('cron_claims')
      .select(['key', 'expires_at'])
      .where('key', 'like', `${prefix}%`)
      .where('completed_at', 'is', null)
      .orderBy('key')
      .execute();
    return rows.map((r) => ({ key: r.key, expiresAt: r.expires_at }));
  }

  async complete(key: string): Promise<void> {
    await this.db.updateTable('cron_claims').set({ completed_at: this.clock.now() }).where('key', '=', key).execute();
  }
}
