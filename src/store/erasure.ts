import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from './schema';

/**
 * What the bot keeps only for a while, and what it forgets on request: old prompts with their
 * answers, old audit entries, and everything about one driver when a manager asks.
 */
export class ErasureTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Deletes the prompts of days before `day` with their answers and the messages showing them,
   * except prompts with an answer still waiting for Ocean (delivered first, purged the next day).
   */
  async promptsBefore(day: string): Promise<number> {
    const deleted = await this.db
      .deleteFrom('daily_prompts')
      .where('day', '<', day)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('trip_answers').select('id').whereRef('trip_answers.prompt_id', '=', 'daily_prompts.id').where('status', '=', 'pending'))),
      )
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  async auditBefore(at: Date): Promise<number> {
    const deleted = await this.db.deleteFrom('audit_log').where('at', '<', at).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  async expiredFiles(): Promise<number> {
    const deleted = await this.db.deleteFrom('shared_files').where('expires_at', '<', this.clock.now()).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Answers of a driver still waiting for Ocean. */
  async pendingAnswersOf(individuId: number): Promise<number> {
    const row = await this.db
      .selectFrom('trip_answers as a')
      .innerJoin('daily_prompts as p', 'p.id', 'a.prompt_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.individu_id', '=', individuId)
      .where('a.status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** What erasing a driver would take away: their daily messages, their answers and the days of their prompts. */
  async extentOf(individuId: number): Promise<{ prompts: number; answers: number; days: string[] }> {
    const prompts = await this.db.selectFrom('daily_prompts').select(['id', 'day']).where('individu_id', '=', individuId).execute();
    if (!prompts.length) return { prompts: 0, answers: 0, days: [] };
    const answers = await this.db
      .selectFrom('trip_answers')
      .select((eb) => eb.fn.count<number>('trip_id').distinct().as('n'))
      .where(
        'prompt_id',
        'in',
        prompts.map((p) => p.id),
      )
      .executeTakeFirstOrThrow();
    return { prompts: prompts.length, answers: Number(answers.n), days: prompts.map((p) => String(p.day)) };
  }

  /**
   * Erases a driver (or a chat user linked to none: `individuId` null): their prompts (answers
   * and messages with them), the chat people linked to them (conversations with them) and the
   * audit entries that name those people; leaves a tombstone for the driver. `personRefs` are those people as the audit trail names them. Run it in a
   * transaction (Store.once).
   */
  async erase(individuId: number | null, personIds: number[], personRefs: string[]): Promise<{ prompts: number; people: number }> {
    const prompts = individuId === null ? undefined : await this.db.deleteFrom('daily_prompts').where('individu_id', '=', individuId).executeTakeFirst();
    // The trips they answered, kept for their suggestions, go with them.
    if (individuId !== null) await this.db.deleteFrom('answered_trips').where('individu_id', '=', individuId).execute();
    // How the bot reached them (or why it could not) goes too.
    if (individuId !== null) {
      await this.db.deleteFrom('reach_problems').where('individu_id', '=', individuId).execute();
      await this.db.deleteFrom('teams_installs').where('individu_id', '=', individuId).execute();
    }
    // Answers given from one of these people on a prompt not theirs (a manager testing) go too.
    if (personIds.length) await this.db.deleteFrom('trip_answers').where('answered_by', 'in', personIds).execute();
    const people = personIds.length ? await this.db.deleteFrom('people').where('id', 'in', personIds).executeTakeFirst() : undefined;
    if (personRefs.length)
      await this.db
        .deleteFrom('audit_log')
        .where((eb) => eb.or([eb('actor', 'in', personRefs), eb('subject', 'in', personRefs)]))
        .execute();
    if (individuId !== null) {
      await this.db
        .insertInto('forgotten')
        .values({ individu_id: individuId, forgotten_at: this.clock.now() })
        .onConflict((oc) => oc.column('individu_id').doUpdateSet({ forgotten_at: this.clock.now() }))
        .execute();
    }
    return { prompts: Number(prompts?.numDeletedRows ?? 0), people: Number(people?.numDeletedRows ?? 0) };
  }

  /** The drivers among `individuIds` who were forgotten and have not written to the bot since. */
  async forgotten(individuIds: number[]): Promise<Set<number>> {
    if (!individuIds.length) return new Set();
    const rows = await this.db.selectFrom('forgotten').select('individu_id').where('individu_id', 'in', individuIds).execute();
    return new Set(rows.map((r) => Number(r.individu_id)));
  }

  /** A forgotten driver wrote to the bot again: they may be prompted again. */
  async remembered(individuId: number): Promise<void> {
    await sql`delete from forgotten where individu_id = ${individuId}`.execute(this.db);
  }
}
