import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Clock } from '../clock';
import type { DailyPromptRow, Database, PromptMessageRow, TripAnswerRow } from './schema';

/** A sent prompt with its latest answer per trip. */
export interface PromptWithAnswers {
  prompt: DailyPromptRow;
  answers: TripAnswerRow[];
}

/**
 * A driver's sent prompts since a day, newest first, each with its answers, as one JSON value: a
 * statement of its own (PromptTable.recentWithAnswers) or a column of another's.
 */
export function recentWithAnswersJson(individuId: number | Expression<number | null>, since: string): RawBuilder<unknown> {
  return sql`(select json_agg(r order by r.day desc) from (
      select p.*, (select json_agg(a order by a.id) from trip_answers a where a.prompt_id = p.id) as answers
      from daily_prompts p
      where p.individu_id = ${individuId} and p.day >= ${since} and p.status = 'sent') r)`;
}

/** What recentWithAnswersJson gives, as rows (prompts as PromptTable.recent, answers as AnswerTable.latest). */
export function promptsWithAnswersFromJson(value: unknown): PromptWithAnswers[] {
  const rows = (value ?? []) as (DailyPromptRow & { answers: TripAnswerRow[] | null })[];
  return rows.map(({ answers, ...prompt }) => ({ prompt: promptFromJson(prompt), answers: latestOf(answers ?? []) }));
}

/** Daily prompts, one per driver and day, and the messages that show them. */
export class PromptTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims the (driver, day) prompt for this worker. Returns the row when the claim is ours:
   * a new row, or a claim left by a worker that died (older than `leaseMs`, never sent).
   * A prompt whose sending failed is claimable again. Returns undefined when another worker
   * holds it or it was already sent.
   */
  async claim(input: {
    individuId: number;
    day: string;
    personId: number;
    trips: unknown;
    worker: string;
    leaseMs: number;
  }): Promise<DailyPromptRow | undefined> {
    const now = this.clock.now();
    const inserted = await this.db
      .insertInto('daily_prompts')
      .values({
        individu_id: input.individuId,
        day: input.day,
        person_id: input.personId,
        status: 'claimed',
        trips: JSON.stringify(input.trips),
        claimed_by: input.worker,
        claimed_at: now,
      })
      .onConflict((oc) => oc.constraint('daily_prompts_driver_day').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    return this.db
      .updateTable('daily_prompts')
      .set({ claimed_by: input.worker, claimed_at: now, person_id: input.personId, trips: JSON.stringify(input.trips) })
      .where('individu_id', '=', input.individuId)
      .where('day', '=', input.day)
      .where((eb) =>
        eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'claimed'), eb('claimed_at', '<', new Date(now.getTime() - input.leaseMs))])]),
      )
      .returningAll()
      .executeTakeFirst();
  }

  async markSendStarted(promptId: number): Promise<void> {
    await this.db.updateTable('daily_prompts').set({ send_started_at: this.clock.now() }).where('id', '=', promptId).execute();
  }

  async markSent(promptId: number, messageRef: unknown): Promise<void> {
    await this.db
      .updateTable('daily_prompts')
      .set({ status: 'sent', sent_at: this.clock.now(), message_ref: JSON.stringify(messageRef), last_error: null })
      .where('id', '=', promptId)
      .execute();
  }

  async markFailed(promptId: number, error: string): Promise<void> {
    await this.db
      .updateTable('daily_prompts')
      .set({ status: 'failed', last_error: error.slice(0, 500) })
      .where('id', '=', promptId)
      .execute();
  }

  async markSkipped(promptId: number, reason: string): Promise<void> {
    await this.db
      .updateTable('daily_prompts')
      .set({ status: 'skipped', last_error: reason.slice(0, 500) })
      .where('id', '=', promptId)
      .execute();
  }

  byId(id: number): Promise<DailyPromptRow | undefined> {
    return this.db.selectFrom('daily_prompts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  of(individuId: number, day: string): Promise<DailyPromptRow | undefined> {
    return this.db.selectFrom('daily_prompts').selectAll().where('individu_id', '=', individuId).where('day', '=', day).executeTakeFirst();
  }

  forDay(day: string): Promise<DailyPromptRow[]> {
    return this.db.selectFrom('daily_prompts').selectAll().where('day', '=', day).orderBy('id').execute();
  }

  /** Sent prompts of every driver for the days from `first` to `last`, oldest first. */
  sentBetween(first: string, last: string): Promise<DailyPromptRow[]> {
    return this.db
      .selectFrom('daily_prompts')
      .selectAll()
      .where('day', '>=', first)
      .where('day', '<=', last)
      .where('status', '=', 'sent')
      .orderBy('day')
      .orderBy('id')
      .execute();
  }

  /** Sent prompts of a driver, newest first. */
  recent(individuId: number, since: string): Promise<DailyPromptRow[]> {
    return this.db
      .selectFrom('daily_prompts')
      .selectAll()
      .where('individu_id', '=', individuId)
      .where('day', '>=', since)
      .where('status', '=', 'sent')
      .orderBy('day', 'desc')
      .execute();
  }

  /**
   * `recent`, each prompt with its latest answer per trip (as AnswerTable.latest gives them), in
   * one statement: what `/privacy` reads (it reads them with who is asking: PeopleTable.meetClaiming).
   */
  async recentWithAnswers(individuId: number, since: string): Promise<PromptWithAnswers[]> {
    const { rows } = await sql<{ prompts: unknown }>`select ${recentWithAnswersJson(individuId, since)} as prompts`.execute(this.db);
    return promptsWithAnswersFromJson(rows[0]?.prompts);
  }

  /**
   * A prompt as it stands, in one statement: the row, its latest answer per trip (as
   * AnswerTable.latest gives them) and the messages still showing it (as `messages` gives them).
   * What a redraw reads.
   */
  async shown(promptId: number): Promise<{ prompt: DailyPromptRow; answers: TripAnswerRow[]; messages: PromptMessageRow[] } | undefined> {
    const { rows } = await sql<DailyPromptRow & { answers: TripAnswerRow[] | null; messages: PromptMessageRow[] | null }>`
      select p.*,
        (select json_agg(a order by a.id) from trip_answers a where a.prompt_id = p.id) as answers,
        (select json_agg(m order by m.id) from prompt_messages m
          where m.prompt_id = p.id and (m.expires_at is null or m.expires_at > ${this.clock.now()})) as messages
      from daily_prompts p
      where p.id = ${promptId}`.execute(this.db);
    const row = rows[0];
    if (!row) return undefined;
    const { answers, messages, ...prompt } = row;
    return { prompt: prompt as DailyPromptRow, answers: latestOf(answers ?? []), messages: (messages ?? []).map(messageFromJson) };
  }

  /** Claims the reminder of a prompt: true once per prompt, ever. */
  async claimReminder(promptId: number): Promise<boolean> {
    const row = await this.db
      .updateTable('daily_prompts')
      .set({ reminded_at: this.clock.now() })
      .where('id', '=', promptId)
      .where('reminded_at', 'is', null)
      .where('status', '=', 'sent')
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- messages that show a prompt ---

  /**
   * Remembers a message showing a prompt (once per message: again, it updates what it shows), to
   * redraw it when answers change. `replacing`: what the same message (`refKey`, of `personId`)
   * showed before, another prompt, is forgotten in the same statement.
   */
  async addMessage(input: {
    promptId: number;
    personId: number | null;
    refKey: string;
    ref: unknown;
    expiresAt?: Date | null;
    replacing?: boolean;
  }): Promise<void> {
    const ref = JSON.stringify(input.ref);
    const expiresAt = input.expiresAt ?? null;
    let query = this.db.insertInto('prompt_messages');
    if (input.replacing) {
      // The delete never touches this prompt's row, which the insert may update: no row is changed twice.
      query = this.db
        .with('replaced', (db) => {
          const gone = db.deleteFrom('prompt_messages').where('ref_key', '=', input.refKey).where('prompt_id', '<>', input.promptId);
          return (input.personId === null ? gone.where('person_id', 'is', null) : gone.where('person_id', '=', input.personId)).returning('id');
        })
        .insertInto('prompt_messages');
    }
    await query
      .values({ prompt_id: input.promptId, person_id: input.personId, ref_key: input.refKey, ref, expires_at: expiresAt })
      .onConflict((oc) => oc.constraint('prompt_messages_ref').doUpdateSet({ ref, expires_at: expiresAt }))
      .execute();
  }

  /** The messages still showing a prompt (those that can no longer be edited are left out). */
  messages(promptId: number): Promise<PromptMessageRow[]> {
    const now = this.clock.now();
    return this.db
      .selectFrom('prompt_messages')
      .selectAll()
      .where('prompt_id', '=', promptId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('id')
      .execute();
  }

  /** Forgets what the message `refKey` of a person showed (but for prompt `except`): it shows something else now. */
  async forgetMessagesAt(refKey: string, personId: number | null, except?: number): Promise<void> {
    let query = this.db.deleteFrom('prompt_messages').where('ref_key', '=', refKey);
    query = personId === null ? query.where('person_id', 'is', null) : query.where('person_id', '=', personId);
    if (except !== undefined) query = query.where('prompt_id', '<>', except);
    await query.execute();
  }

  async forgetMessage(id: number): Promise<void> {
    await this.db.deleteFrom('prompt_messages').where('id', '=', id).execute();
  }
}

/** The latest answer per trip of answer rows as json_agg gives them, in id order. */
function latestOf(rows: TripAnswerRow[]): TripAnswerRow[] {
  const latest = new Map<number, TripAnswerRow>();
  for (const row of rows) latest.set(Number(row.trip_id), answerFromJson(row));
  return [...latest.values()];
}

/** A nullable timestamp as json_agg gives it (a string), back to a Date. */
function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

/** A message row as json_agg gives it (`ref` is JSON already). */
function messageFromJson(row: PromptMessageRow): PromptMessageRow {
  return {
    ...row,
    id: Number(row.id),
    prompt_id: Number(row.prompt_id),
    person_id: row.person_id === null ? null : Number(row.person_id),
    expires_at: dateOrNull(row.expires_at),
    created_at: new Date(row.created_at),
  };
}

/** A prompt row as json_agg gives it: timestamps back to Dates, ids to numbers (the day stays a string, as the store reads it). */
function promptFromJson(row: DailyPromptRow): DailyPromptRow {
  return {
    ...row,
    id: Number(row.id),
    individu_id: Number(row.individu_id),
    person_id: row.person_id === null ? null : Number(row.person_id),
    claimed_at: new Date(row.claimed_at),
    send_started_at: dateOrNull(row.send_started_at),
    sent_at: dateOrNull(row.sent_at),
    reminded_at: dateOrNull(row.reminded_at),
  };
}

/** An answer row as json_agg gives it: timestamps back to Dates, ids to numbers. */
function answerFromJson(row: TripAnswerRow): TripAnswerRow {
  return {
    ...row,
    id: Number(row.id),
    prompt_id: Number(row.prompt_id),
    trip_id: Number(row.trip_id),
    answered_by: Number(row.answered_by),
    answered_at: new Date(row.answered_at),
    next_attempt_at: new Date(row.next_attempt_at),
    locked_until: dateOrNull(row.locked_until),
    delivered_at: dateOrNull(row.delivered_at),
  };
}
