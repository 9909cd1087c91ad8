import { Migrator, sql, type Kysely, type MigrationProvider, type Transaction } from 'kysely';
import { systemClock, type Clock } from '../clock';
import { connect, type ConnectOptions } from './connect';
import { migrations } from './migrations';
import type { Choice, Platform, Role } from '../domain';
import type { AuditEntry, Database, DailyPromptRow, LinkSource, Person, PromptMessageRow, TripAnswerRow } from './schema';

export interface ChatIdentity {
  platform: Platform;
  workspaceId: string;
  chatUserId: string;
}

export interface SeenPerson extends ChatIdentity {
  displayName?: string | null;
  email?: string | null;
  locale?: string | null;
}

export interface StoreOptions extends ConnectOptions {
  clock?: Clock;
}

const staticProvider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Persistence for people, conversation references, daily prompts, the answers outbox, cron run
 * claims and the audit trail. Same SQL on PGlite and PostgreSQL.
 */
export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly kind: 'pglite' | 'postgres',
    private readonly clock: Clock,
  ) {}

  static async open(options: StoreOptions = {}): Promise<Store> {
    const { db, kind } = await connect(options);
    const store = new Store(db, kind, options.clock ?? systemClock);
    await store.migrate();
    return store;
  }

  /**
   * Brings the schema to the latest migration. On PostgreSQL Kysely's migrator is told which
   * schema its tables live in (the connection's current one): otherwise it takes a
   * `kysely_migration` table in any other schema of the database (another application's, another
   * test's) for its own, and fails.
   */
  async migrate(): Promise<string[]> {
    const schema = this.kind === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db)).rows[0]?.schema : undefined;
    const { error, results } = await new Migrator({ db: this.db, provider: staticProvider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).map((r) => r.migrationName);
  }

  /**
   * Runs `effect` in one transaction together with the record of `requestKey`: when that request
   * was handled before (a replay), nothing runs and the result is false. Without a key, the
   * effect simply runs in a transaction. `effect` gets a Store bound to the transaction.
   */
  async once(requestKey: string | undefined, effect: (tx: Store) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (requestKey && !(await claimRequest(trx, requestKey, this.now()))) return false;
      await effect(new Store(trx, this.kind, this.clock));
      return true;
    });
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Empties every table (tests). */
  async truncateAll(): Promise<void> {
    await sql`truncate shared_files, handled_requests, prompt_messages, audit_log, cron_claims, trip_answers, daily_prompts, conversation_refs, people restart identity cascade`.execute(this.db);
  }

  private now(): Date {
    return this.clock.now();
  }

  // --- people ---

  /**
   * Records that a chat user was seen; keeps what the platform told us fresh. A person only
   * discovered (looked up by e-mail, never heard from) is stored as never seen, so that the
   * platform a driver really used stays first.
   */
  async seePerson(seen: SeenPerson, options: { discovered?: boolean } = {}): Promise<Person> {
    const now = options.discovered ? new Date(0) : this.now();
    const email = seen.email?.trim().toLowerCase() || null;
    return this.db
      .insertInto('people')
      .values({
        platform: seen.platform,
        workspace_id: seen.workspaceId,
        chat_user_id: seen.chatUserId,
        display_name: seen.displayName ?? null,
        email,
        locale: seen.locale ?? null,
        last_seen_at: now,
      })
      .onConflict((oc) =>
        oc.constraint('people_identity').doUpdateSet((eb) => ({
          last_seen_at: options.discovered ? eb.ref('people.last_seen_at') : now,
          display_name: eb.fn.coalesce(eb.val(seen.displayName ?? null), eb.ref('people.display_name')),
          email: eb.fn.coalesce(eb.val(email), eb.ref('people.email')),
          locale: eb.fn.coalesce(eb.val(seen.locale ?? null), eb.ref('people.locale')),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findPerson(identity: ChatIdentity): Promise<Person | undefined> {
    return this.db
      .selectFrom('people')
      .selectAll()
      .where('platform', '=', identity.platform)
      .where('workspace_id', '=', identity.workspaceId)
      .where('chat_user_id', '=', identity.chatUserId)
      .executeTakeFirst();
  }

  personById(id: number): Promise<Person | undefined> {
    return this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Everyone linked to an Ocean individu, most recently seen first. */
  peopleForIndividu(individuId: number): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('individu_id', '=', individuId).orderBy('last_seen_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** Everyone of a platform's workspace the bot has met or found. */
  peopleOf(platform: Platform, workspaceId: string): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('platform', '=', platform).where('workspace_id', '=', workspaceId).orderBy('id').execute();
  }

  /**
   * Moves a person to a new id on the same platform (Teams users were keyed by `from.id`, now by
   * their AAD object id), keeping their link, conversation and prompts; nothing happens when the
   * new id is already taken or the former one unknown.
   */
  async renamePerson(former: ChatIdentity, chatUserId: string): Promise<void> {
    await this.db
      .updateTable('people')
      .set({ chat_user_id: chatUserId })
      .where('platform', '=', former.platform)
      .where('workspace_id', '=', former.workspaceId)
      .where('chat_user_id', '=', former.chatUserId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('people as taken').select('taken.id').where('taken.platform', '=', former.platform).where('taken.workspace_id', '=', former.workspaceId).where('taken.chat_user_id', '=', chatUserId))),
      )
      .execute();
  }

  linkedPeople(): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('individu_id', 'is not', null).orderBy('id').execute();
  }

  findPeopleByEmail(email: string): Promise<Person[]> {
    return this.db.selectFrom('people').selectAll().where('email', '=', email.trim().toLowerCase()).execute();
  }

  async linkPerson(personId: number, individuId: number | null, source: LinkSource | null): Promise<void> {
    await this.db.updateTable('people').set({ individu_id: individuId, link_source: source }).where('id', '=', personId).execute();
  }

  async setRole(personId: number, role: Role | null): Promise<void> {
    await this.db.updateTable('people').set({ role }).where('id', '=', personId).execute();
  }

  async setPreferredLocale(personId: number, locale: string | null): Promise<void> {
    await this.db.updateTable('people').set({ preferred_locale: locale }).where('id', '=', personId).execute();
  }

  // --- conversation references ---

  async saveConversationRef(personId: number, reference: unknown): Promise<void> {
    const now = this.now();
    const json = JSON.stringify(reference);
    await this.db
      .insertInto('conversation_refs')
      .values({ person_id: personId, reference: json, active: true, updated_at: now })
      .onConflict((oc) => oc.column('person_id').doUpdateSet({ reference: json, active: true, updated_at: now }))
      .execute();
  }

  async conversationRef(personId: number): Promise<{ reference: unknown; active: boolean } | undefined> {
    const row = await this.db.selectFrom('conversation_refs').select(['reference', 'active']).where('person_id', '=', personId).executeTakeFirst();
    return row ? { reference: row.reference, active: row.active } : undefined;
  }

  async deactivateConversationRef(personId: number): Promise<void> {
    await this.db.updateTable('conversation_refs').set({ active: false, updated_at: this.now() }).where('person_id', '=', personId).execute();
  }

  // --- daily prompts ---

  /**
   * Claims the (driver, day) prompt for this worker. Returns the row when the claim is ours:
   * a new row, or a claim left by a worker that died (older than `leaseMs`, never sent).
   * A prompt whose sending failed is claimable again. Returns undefined when another worker
   * holds it or it was already sent.
   */
  async claimPrompt(input: { individuId: number; day: string; personId: number; trips: unknown; worker: string; leaseMs: number }): Promise<DailyPromptRow | undefined> {
    const now = this.now();
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
      .where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'claimed'), eb('claimed_at', '<', new Date(now.getTime() - input.leaseMs))])]))
      .returningAll()
      .executeTakeFirst();
  }

  async markSendStarted(promptId: number): Promise<void> {
    await this.db.updateTable('daily_prompts').set({ send_started_at: this.now() }).where('id', '=', promptId).execute();
  }

  async markPromptSent(promptId: number, messageRef: unknown): Promise<void> {
    await this.db
      .updateTable('daily_prompts')
      .set({ status: 'sent', sent_at: this.now(), message_ref: JSON.stringify(messageRef), last_error: null })
      .where('id', '=', promptId)
      .execute();
  }

  async markPromptFailed(promptId: number, error: string): Promise<void> {
    await this.db.updateTable('daily_prompts').set({ status: 'failed', last_error: error.slice(0, 500) }).where('id', '=', promptId).execute();
  }

  async markPromptSkipped(promptId: number, reason: string): Promise<void> {
    await this.db.updateTable('daily_prompts').set({ status: 'skipped', last_error: reason.slice(0, 500) }).where('id', '=', promptId).execute();
  }

  promptById(id: number): Promise<DailyPromptRow | undefined> {
    return this.db.selectFrom('daily_prompts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  promptFor(individuId: number, day: string): Promise<DailyPromptRow | undefined> {
    return this.db.selectFrom('daily_prompts').selectAll().where('individu_id', '=', individuId).where('day', '=', day).executeTakeFirst();
  }

  promptsForDay(day: string): Promise<DailyPromptRow[]> {
    return this.db.selectFrom('daily_prompts').selectAll().where('day', '=', day).orderBy('id').execute();
  }

  /** Sent prompts of a driver, newest first. */
  recentPrompts(individuId: number, since: string): Promise<DailyPromptRow[]> {
    return this.db
      .selectFrom('daily_prompts')
      .selectAll()
      .where('individu_id', '=', individuId)
      .where('day', '>=', since)
      .where('status', '=', 'sent')
      .orderBy('day', 'desc')
      .execute();
  }

  /** Claims the reminder of a prompt: true once per prompt, ever. */
  async claimReminder(promptId: number): Promise<boolean> {
    const row = await this.db
      .updateTable('daily_prompts')
      .set({ reminded_at: this.now() })
      .where('id', '=', promptId)
      .where('reminded_at', 'is', null)
      .where('status', '=', 'sent')
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  // --- answers outbox ---

  /**
   * Stores a driver's answers (one trip, or every trip of the day) as pending, in one
   * transaction with the record of the request that carried them: a replayed request stores
   * nothing (`replayed`). A trip whose latest answer already says the same (a double click) gets
   * no new row. Earlier answers of a trip not yet delivered are superseded: Ocean only needs the
   * last choice. Each trip is locked for the transaction, across instances.
   */
  async recordAnswers(input: {
    promptId: number;
    tripIds: number[];
    choice: Choice;
    answeredBy: number;
    requestKey?: string;
    audit?: { actor: string; details: unknown };
  }): Promise<{ replayed: boolean; created: number }> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      if (input.requestKey && !(await claimRequest(trx, input.requestKey, now))) return { replayed: true, created: 0 };
      let created = 0;
      // Locks taken in one order: two clicks on overlapping trips never wait on each other in a circle.
      for (const tripId of [...new Set(input.tripIds)].sort((a, b) => a - b)) {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`trip:${tripId}`}, 0))`.execute(trx);
        const latest = await trx
          .selectFrom('trip_answers')
          .select(['choice', 'status'])
          .where('prompt_id', '=', input.promptId)
          .where('trip_id', '=', tripId)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (latest && latest.choice === input.choice && latest.status !== 'refused') continue;
        await trx
          .updateTable('trip_answers')
          .set({ status: 'superseded' })
          .where('prompt_id', '=', input.promptId)
          .where('trip_id', '=', tripId)
          .where('status', '=', 'pending')
          .execute();
        await trx
          .insertInto('trip_answers')
          .values({
            prompt_id: input.promptId,
            trip_id: tripId,
            choice: input.choice,
            answered_by: input.answeredBy,
            answered_at: now,
            status: 'pending',
            next_attempt_at: now,
            last_error: null,
            delivered_at: null,
            locked_until: null,
            locked_by: null,
          })
          .execute();
        created += 1;
      }
      if (created && input.audit) {
        await trx
          .insertInto('audit_log')
          .values({ at: now, actor: input.audit.actor, action: 'answer', subject: `prompt:${input.promptId}`, details: JSON.stringify(input.audit.details) })
          .execute();
      }
      return { replayed: false, created };
    });
  }

  /**
   * Claims up to `limit` pending answers that are due, for `leaseMs`. An answer is skipped while
   * another delivery for the same trip is under way (its lock not expired), so deliveries for
   * one trip happen one after the other, in order.
   */
  async claimDueAnswers(worker: string, limit: number, leaseMs: number): Promise<TripAnswerRow[]> {
    const now = this.now();
    const until = new Date(now.getTime() + leaseMs);
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('trip_answers as a')
        .select('a.id')
        .where('a.status', '=', 'pending')
        .where('a.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('a.locked_until', 'is', null), eb('a.locked_until', '<', now)]))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('trip_answers as b')
                .select('b.id')
                .whereRef('b.trip_id', '=', 'a.trip_id')
                .whereRef('b.id', '!=', 'a.id')
                .where('b.locked_until', '>=', now),
            ),
          ),
        )
        .orderBy('a.id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!due.length) return [];
      return trx
        .updateTable('trip_answers')
        .set((eb) => ({ locked_until: until, locked_by: worker, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', due.map((d) => d.id))
        .returningAll()
        .execute();
    });
  }

  /** A superseded answer that reached Ocean stays superseded: a newer one follows it. */
  async markDelivered(answerId: number): Promise<void> {
    await this.db
      .updateTable('trip_answers')
      .set({ delivered_at: this.now(), locked_until: null, last_error: null })
      .where('id', '=', answerId)
      .execute();
    await this.db.updateTable('trip_answers').set({ status: 'delivered' }).where('id', '=', answerId).where('status', '=', 'pending').execute();
  }

  async markDeliveryFailed(answerId: number, error: string, retryAt: Date): Promise<void> {
    await this.db
      .updateTable('trip_answers')
      .set({ last_error: error.slice(0, 500), next_attempt_at: retryAt, locked_until: null })
      .where('id', '=', answerId)
      .execute();
  }

  async markRefused(answerId: number, error: string): Promise<void> {
    await this.db
      .updateTable('trip_answers')
      .set({ status: 'refused', last_error: error.slice(0, 500), locked_until: null })
      .where('id', '=', answerId)
      .execute();
  }

  /** The latest answer for each trip of a prompt. */
  async latestAnswers(promptId: number): Promise<TripAnswerRow[]> {
    const rows = await this.db.selectFrom('trip_answers').selectAll().where('prompt_id', '=', promptId).orderBy('id').execute();
    const latest = new Map<number, TripAnswerRow>();
    for (const row of rows) latest.set(row.trip_id, row);
    return [...latest.values()];
  }

  answerById(id: number): Promise<TripAnswerRow | undefined> {
    return this.db.selectFrom('trip_answers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async outboxStats(): Promise<{ pending: number; refused: number; delivered: number; oldestPendingAt: Date | null }> {
    const rows = await this.db
      .selectFrom('trip_answers')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('answered_at').as('oldest')])
      .groupBy('status')
      .execute();
    const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    const oldest = rows.find((r) => r.status === 'pending')?.oldest;
    return { pending: of('pending'), refused: of('refused'), delivered: of('delivered'), oldestPendingAt: oldest ? new Date(oldest as Date) : null };
  }

  // --- cron run claims (node-cron's RunCoordinator) ---

  /** True for exactly one caller per key until the claim expires. */
  async claimRun(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
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
  async incompleteRuns(prefix: string): Promise<{ key: string; expiresAt: Date }[]> {
    const rows = await this.db.selectFrom('cron_claims').select(['key', 'expires_at']).where('key', 'like', `${prefix}%`).where('completed_at', 'is', null).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, expiresAt: r.expires_at }));
  }

  async completeRun(key: string): Promise<void> {
    await this.db.updateTable('cron_claims').set({ completed_at: this.now() }).where('key', '=', key).execute();
  }

  // --- handled requests (replays) ---

  /** Forgets the requests handled before `before`: a replay older than that is refused by its platform. */
  async forgetRequests(before: Date): Promise<void> {
    await this.db.deleteFrom('handled_requests').where('handled_at', '<', before).execute();
  }

  // --- messages that show a prompt ---

  /** Remembers a message showing a prompt (once per message: again, it updates what it shows), to redraw it when answers change. */
  async addPromptMessage(input: { promptId: number; personId: number | null; refKey: string; ref: unknown; expiresAt?: Date | null }): Promise<void> {
    await this.db
      .insertInto('prompt_messages')
      .values({ prompt_id: input.promptId, person_id: input.personId, ref_key: input.refKey, ref: JSON.stringify(input.ref), expires_at: input.expiresAt ?? null })
      .onConflict((oc) => oc.constraint('prompt_messages_ref').doUpdateSet({ ref: JSON.stringify(input.ref), expires_at: input.expiresAt ?? null }))
      .execute();
  }

  /** The messages still showing a prompt (those that can no longer be edited are left out). */
  promptMessages(promptId: number): Promise<PromptMessageRow[]> {
    const now = this.now();
    return this.db
      .selectFrom('prompt_messages')
      .selectAll()
      .where('prompt_id', '=', promptId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('id')
      .execute();
  }

  async forgetPromptMessage(id: number): Promise<void> {
    await this.db.deleteFrom('prompt_messages').where('id', '=', id).execute();
  }

  // --- shared files ---

  async shareFile(token: string, file: { name: string; mime: string; data: Buffer }, ttlMs: number): Promise<void> {
    await this.db.deleteFrom('shared_files').where('expires_at', '<', this.now()).execute();
    await this.db
      .insertInto('shared_files')
      .values({ token, name: file.name, mime: file.mime, data: file.data, expires_at: new Date(this.now().getTime() + ttlMs) })
      .execute();
  }

  async sharedFile(token: string): Promise<{ name: string; mime: string; data: Buffer } | undefined> {
    const row = await this.db.selectFrom('shared_files').select(['name', 'mime', 'data']).where('token', '=', token).where('expires_at', '>', this.now()).executeTakeFirst();
    return row ? { name: row.name, mime: row.mime, data: Buffer.from(row.data) } : undefined;
  }

  // --- audit ---

  async audit(actor: string, action: string, subject: string | null, details?: unknown): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ at: this.now(), actor, action, subject, details: details === undefined ? null : JSON.stringify(details) })
      .execute();
  }

  auditTrail(limit = 100): Promise<AuditEntry[]> {
    return this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }
}

/** True when `key` was not handled before (and is now recorded as handled), inside `trx`. */
async function claimRequest(trx: Transaction<Database>, key: string, now: Date): Promise<boolean> {
  const row = await trx
    .insertInto('handled_requests')
    .values({ key: key.slice(0, 300), handled_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
