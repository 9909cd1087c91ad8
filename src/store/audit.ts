import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { AuditEntry, Database } from './schema';

/** The audit trail: who did what, when. */
export class AuditTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async add(actor: string, action: string, subject: string | null, details?: unknown): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ at: this.clock.now(), actor, action, subject, details: details === undefined ? null : JSON.stringify(details) })
      .execute();
  }

  trail(limit = 100): Promise<AuditEntry[]> {
    return this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }
}
