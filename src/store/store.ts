import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { systemClock, type Clock } from '../clock';
import { connect, type ConnectOptions } from './connect';
import { migrations } from './migrations';
import type { Choice, Platform, Role } from '../domain';
import type { AuditEntry, Database, DailyPromptRow, LinkSource, Person, TripAnswerRow } from './schema';

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
    await sql`truncate shared_files, seen_signatures, audit_log, cron_claims, trip_answers, daily_prompts, conversation_refs, people restart identity cascade`.execute(this.db);
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

  async updatePromptMessage(promptId: number, messageRef: unknown): Promise<void> {
    await this.db.updateTable('daily_prompts').set({ message_ref: JSON.stringify(messageRef) }).where('id', '=', promptId).execute();
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
   * Stores a driver's answer as pending, unless the trip's latest answer already says the same
   * (a double click, or the same click reaching two instances): then nothing is stored and
   * `created` is false. Earlier answers for the trip not yet delivered are superseded: Ocean
   * only needs the last choice. One transaction, locked on the trip, across instances.
   */
  async recordAnswer(input: { promptId: number; tripId: number; choice: Choice; answeredBy: number }): Promise<{ row: TripAnswerRow; created: boolean }> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${input.tripId}::bigint)`.execute(trx);
      const latest = await trx
        .selectFrom('trip_answers')
        .selectAll()
        .where('prompt_id', '=', input.promptId)
        .where('trip_id', '=', input.tripId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (latest && latest.choice === input.choice && latest.status !== 'refused') return { row: latest, created: false };
      await trx
        .updateTable('trip_answers')
        .set({ status: 'superseded' })
        .where('prompt_id', '=', input.promptId)
        .where('trip_id', '=', input.tripId)
        .where('status', '=', 'pending')
        .execute();
      const row = await trx
        .insertInto('trip_answers')
        .values({
          prompt_id: input.promptId,
          trip_id: input.tripId,
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
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row, created: true };
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

  // --- replay protection ---

  private sightings: { signature: string; resolve: (first: boolean) => void; reject: (error: unknown) => void }[] = [];
  private sightingsFlush: Promise<void> | undefined;

  /**
   * True the first time a request signature is seen (across every instance sharing the store).
   * Signatures arriving together are recorded in one statement, so a burst of requests costs one
   * round trip, not one each, before they are acknowledged.
   */
  firstSighting(signature: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.sightings.push({ signature, resolve, reject });
      this.sightingsFlush ??= new Promise<void>((done) => setImmediate(done)).then(() => this.flushSightings());
    });
  }

  private async flushSightings(): Promise<void> {
    const batch = this.sightings;
    this.sightings = [];
    this.sightingsFlush = undefined;
    try {
      const unique = [...new Set(batch.map((b) => b.signature))];
      const now = this.now();
      const inserted = await this.db
        .insertInto('seen_signatures')
        .values(unique.map((signature) => ({ signature, seen_at: now })))
        .onConflict((oc) => oc.column('signature').doNothing())
        .returning('signature')
        .execute();
      const fresh = new Set(inserted.map((r) => r.signature));
      // Within one batch, only the first of identical signatures is the first sighting.
      for (const item of batch) {
        item.resolve(fresh.delete(item.signature));
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  async forgetSightings(before: Date): Promise<void> {
    await this.db.deleteFrom('seen_signatures').where('seen_at', '<', before).execute();
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
