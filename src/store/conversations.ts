import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Platform } from '../domain';
import type { Database } from './schema';

/** How to reach a person later on platforms that need it (Teams conversation references). */
export class ConversationTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async save(personId: number, reference: unknown): Promise<void> {
    const now = this.clock.now();
    const json = JSON.stringify(reference);
    await this.db
      .insertInto('conversation_refs')
      .values({ person_id: personId, reference: json, active: true, updated_at: now })
      .onConflict((oc) => oc.column('person_id').doUpdateSet({ reference: json, active: true, updated_at: now }))
      .execute();
  }

  async of(personId: number): Promise<{ reference: unknown; active: boolean } | undefined> {
    const row = await this.db.selectFrom('conversation_refs').select(['reference', 'active']).where('person_id', '=', personId).executeTakeFirst();
    return row ? { reference: row.reference, active: row.active } : undefined;
  }

  async deactivate(personId: number): Promise<void> {
    await this.db.updateTable('conversation_refs').set({ active: false, updated_at: this.clock.now() }).where('person_id', '=', personId).execute();
  }

  /** The reference most recently kept for someone of this workspace (a Teams tenant's service URL is read from it). */
  async latestOfWorkspace(platform: Platform, workspaceId: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('conversation_refs as c')
      .innerJoin('people as p', 'p.id', 'c.person_id')
      .select('c.reference')
      .where('p.platform', '=', platform)
      .where('p.workspace_id', '=', workspaceId)
      .where('c.active', '=', true)
      .orderBy('c.updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.reference;
  }
}
