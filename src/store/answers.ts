import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock';
import type { Choice } from '../domain';
import { type AnsweredTrip, answeredRows } from './history';
import { claimRequestSql } from './requests';
import type { Database, DeliveryStatus, TripAnswerRow } from './schema';

/** Drivers' answers and their delivery to Ocean (the outbox). */
export class AnswerTable {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a driver's answers (one trip, or every trip of the day) as pending, in one
   * transaction with the record of the request that carried them: a replayed request stores
   * nothing (`replayed`). A trip whose latest answer already says the same (a double click) gets
   * no new row. Earlier answers of a trip not yet delivered are superseded: Ocean only needs the
   * last choice. Each trip is locked for the transaction, across instances.
   */
  async record(input: {
    promptId: number;
    /** One choice for these trips… */
    tripIds?: number[];
    choice?: Choice;
    /** …or a choice per trip (suggestions accepted). */
    picks?: { tripId: number; choice: Choice }[];
    /** Trips with an answer already are left as they are (accepting suggestions never overrides a tap). */
    onlyUnanswered?: boolean;
    answeredBy: number;
    requestKey?: string;
    audit?: { actor: string; details: unknown };
    /** The driver's history of answered trips gets each new answer, in this transaction. */
    history?: { individuId: number; trips: ReadonlyMap<number, AnsweredTrip> };
  }): Promise<{ replayed: boolean; created: number; tripIds: number[] }> {
    const now = this.clock.now();
    const choices = new Map<number, Choice>();
    for (const tripId of input.tripIds ?? []) if (input.choice) choices.set(tripId, input.choice);
    for (const pick of input.picks ?? []) choices.set(pick.tripId, pick.choice);
    // Locks are taken in one order (the trips' ids): two clicks on overlapping trips never wait on each other in a circle.
    const tripIds = [...choices.keys()].sort((a, b) => a - b);
    // Five round trips whatever the number of trips: begin, the claim with the locks, the latest
    // answers, every write, commit.
    return this.db.transaction().execute(async (trx) => {
      if (!(await claimAndLock(trx, input.requestKey, tripIds, now))) return { replayed: true, created: 0, tripIds: [] };
      // Read after the locks, in a statement of its own: it sees every answer committed before them.
      const latest = tripIds.length
        ? await trx
            .selectFrom('trip_answers')
            .distinctOn('trip_id')
            .select(['trip_id', 'choice', 'status'])
            .where('prompt_id', '=', input.promptId)
            .where('trip_id', 'in', tripIds)
            .orderBy('trip_id')
            .orderBy('id', 'desc')
            .execute()
        : [];
      const latestOf = new Map(latest.map((row) => [Number(row.trip_id), row]));
      const written = tripIds.filter((tripId) => {
        const before = latestOf.get(tripId);
        if (before && input.onlyUnanswered) return false;
        return !(before && before.choice === choices.get(tripId) && before.status !== 'refused');
      });
      if (written.length) await writeAnswers(trx, { ...input, now, picks: written.map((tripId) => ({ tripId, choice: choices.get(tripId) as Choice })) });
      return { replayed: false, created: written.length, tripIds: written };
    });
  }

  /**
   * Claims up to `limit` pending answers that are due, for `leaseMs`. An answer is skipped while
   * another delivery for the same trip is under way (its lock not expired), so deliveries for
   * one trip happen one after the other, in order.
   */
  async claimDue(worker: string, limit: number, leaseMs: number): Promise<TripAnswerRow[]> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + leaseMs);
    // One statement: the rows are chosen and locked by the CTE (evaluated once, others' locked
    // rows skipped) and leased by the update, atomically, without a transaction's three more
    // round trips (the outbox asks every few seconds, most often for nothing).
    const claimed = await this.db
      .with('due', (db) =>
        db
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
          .skipLocked(),
      )
      .updateTable('trip_answers')
      .set((eb) => ({ locked_until: until, locked_by: worker, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .returningAll()
      .execute();
    return claimed.sort((a, b) => a.id - b.id);
  }

  /**
   * Frees every delivery lease. Only for a store one process opens (the embedded store, locked):
   * whatever holds a lease at its start is a process that died, and its answers need not wait
   * for the lease to run out. Superseded answers too: a trip's newer answer waits while an older
   * one of the trip holds a lease (its delivery may be under way).
   */
  async releaseLeases(): Promise<number> {
    const freed = await this.db
      .updateTable('trip_answers')
      .set({ locked_until: null, locked_by: null })
      .where('locked_until', 'is not', null)
      .executeTakeFirst();
    return Number(freed.numUpdatedRows);
  }

  /** A superseded answer that reached Ocean stays superseded: a newer one follows it. */
  async markDelivered(answerId: number): Promise<void> {
    // A superseded answer stays superseded: only a pending one becomes delivered.
    await this.db
      .updateTable('trip_answers')
      .set((eb) => ({
        delivered_at: this.clock.now(),
        locked_until: null,
        last_error: null,
        status: eb.case().when('status', '=', 'pending').then(eb.val<DeliveryStatus>('delivered')).else(eb.ref('status')).end(),
      }))
      .where('id', '=', answerId)
      .execute();
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
  async latest(promptId: number): Promise<TripAnswerRow[]> {
    const rows = await this.db.selectFrom('trip_answers').selectAll().where('prompt_id', '=', promptId).orderBy('id').execute();
    const latest = new Map<number, TripAnswerRow>();
    for (const row of rows) latest.set(row.trip_id, row);
    return [...latest.values()];
  }

  /** The trips that got an answer (of any status), per prompt, for the prompts of the days from `first` to `last`. */
  async answeredBetween(first: string, last: string): Promise<Map<number, Set<number>>> {
    const rows = await this.db
      .selectFrom('trip_answers as a')
      .innerJoin('daily_prompts as p', 'p.id', 'a.prompt_id')
      .select(['a.prompt_id', 'a.trip_id'])
      .distinct()
      .where('p.day', '>=', first)
      .where('p.day', '<=', last)
      .execute();
    const answered = new Map<number, Set<number>>();
    for (const row of rows) {
      let trips = answered.get(row.prompt_id);
      if (!trips) answered.set(row.prompt_id, (trips = new Set()));
      trips.add(row.trip_id);
    }
    return answered;
  }

  byId(id: number): Promise<TripAnswerRow | undefined> {
    return this.db.selectFrom('trip_answers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async stats(): Promise<{ pending: number; refused: number; delivered: number; oldestPendingAt: Date | null }> {
    const rows = await this.db
      .selectFrom('trip_answers')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('answered_at').as('oldest')])
      .groupBy('status')
      .execute();
    const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    const oldest = rows.find((r) => r.status === 'pending')?.oldest;
    return { pending: of('pending'), refused: of('refused'), delivered: of('delivered'), oldestPendingAt: oldest ? new Date(oldest as Date) : null };
  }
}

/**
 * The request claimed (when it has a key) and each trip's lock taken, in one statement: false
 * when the request was handled already. The locks follow the order of `tripIds`.
 */
async function claimAndLock(trx: Kysely<Database>, requestKey: string | undefined, tripIds: readonly number[], now: Date): Promise<boolean> {
  const keys = tripIds.map((tripId) => `trip:${tripId}`);
  const { rows } = await sql<{ claimed: boolean }>`
    with claimed as (${claimRequestSql(requestKey, now)})
    select exists (select 1 from claimed) as claimed,
      (select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(${keys}::text[]) as u(k)) as locked`.execute(trx);
  return requestKey === undefined || Boolean(rows[0]?.claimed);
}

/**
 * New pending answers for `picks`, in one statement: the earlier ones not yet delivered
 * superseded (Ocean only needs the last choice), the driver's history and the audit log written.
 */
async function writeAnswers(
  trx: Kysely<Database>,
  input: {
    promptId: number;
    picks: { tripId: number; choice: Choice }[];
    answeredBy: number;
    now: Date;
    audit?: { actor: string; details: unknown };
    history?: { individuId: number; trips: ReadonlyMap<number, AnsweredTrip> };
  },
): Promise<void> {
  const { promptId, picks, now } = input;
  const history = input.history;
  const answered = history
    ? picks.flatMap(({ tripId, choice }) => {
        const trip = history.trips.get(tripId);
        return trip ? [{ trip, choice }] : [];
      })
    : [];
  let query = trx
    .with('superseded', (db) =>
      db
        .updateTable('trip_answers')
        .set({ status: 'superseded' })
        .where('prompt_id', '=', promptId)
        .where(
          'trip_id',
          'in',
          picks.map((p) => p.tripId),
        )
        .where('status', '=', 'pending')
        .returning('id'),
    )
    .with('inserted', (db) =>
      db
        .insertInto('trip_answers')
        .values(
          picks.map(({ tripId, choice }) => ({
            prompt_id: promptId,
            trip_id: tripId,
            choice,
            answered_by: input.answeredBy,
            answered_at: now,
            status: 'pending' as const,
            next_attempt_at: now,
            last_error: null,
            delivered_at: null,
            locked_until: null,
            locked_by: null,
          })),
        )
        .returning('id'),
    );
  if (history && answered.length)
    query = query.with('history', (db) =>
      db
        .insertInto('answered_trips')
        .values(answeredRows(history.individuId, answered, now))
        .onConflict((oc) =>
          oc.columns(['individu_id', 'trip_id']).doUpdateSet((eb) => ({ choice: eb.ref('excluded.choice'), answered_at: eb.ref('excluded.answered_at') })),
        )
        .returning('trip_id'),
    ) as unknown as typeof query;
  if (input.audit)
    query = query.with('audit', (db) =>
      db
        .insertInto('audit_log')
        .values({ at: now, actor: input.audit!.actor, action: 'answer', subject: `prompt:${promptId}`, details: JSON.stringify(input.audit!.details) })
        .returning('id'),
    ) as unknown as typeof query;
  await query
    .selectFrom('inserted')
    .select((eb) => eb.fn.countAll().as('created'))
    .execute();
}
