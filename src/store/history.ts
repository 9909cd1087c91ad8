import { type Kysely, sql } from 'kysely';
import type { Choice, HistoryRow, TripSlot } from '../domain';
import type { Database } from './schema';

/** A trip as it is answered, for the driver's history (see AnswerTable.record). */
export interface AnsweredTrip extends TripSlot {
  tripId: number;
}

/** Writes a driver's answer to their history; a change of mind replaces the trip's earlier answer. */
export async function recordAnswered(db: Kysely<Database>, individuId: number, trip: AnsweredTrip, choice: Choice, at: Date): Promise<void> {
  await db
    .insertInto('answered_trips')
    .values(answeredRows(individuId, [{ trip, choice }], at))
    .onConflict((oc) => oc.columns(['individu_id', 'trip_id']).doUpdateSet({ choice, answered_at: at }))
    .execute();
}

/** History rows for trips answered at `at` (AnswerTable.record writes them with the answers). */
export function answeredRows(individuId: number, answered: readonly { trip: AnsweredTrip; choice: Choice }[], at: Date) {
  return answered.map(({ trip, choice }) => ({
    individu_id: individuId,
    trip_id: trip.tripId,
    from_town: trip.fromTown,
    to_town: trip.toTown,
    start_at: trip.startAt,
    weekend: trip.weekend,
    start_minute: trip.startMinute,
    choice,
    answered_at: at,
  }));
}

/** The trips drivers answered, read for suggestions; only ever one driver's at a time. */
export class HistoryTable {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * For each trip, the driver's latest answered trips on its route and kind of day, started
   * before it and within `rule.windowMinutes` of its time of day: at most `rule.count`, in one
   * query for every trip of a prompt (the rule in privacy/daily/suggestion-rule.ts decides); none at
   * all when the driver turned suggestions off.
   */
  async near(individuId: number, trips: readonly (TripSlot & { tripId: number })[], rule: { count: number; windowMinutes: number }): Promise<HistoryRow[]> {
    if (!trips.length) return [];
    const wanted = sql.join(
      trips.map(
        (t) => sql`(${t.tripId}::bigint, ${t.fromTown}::text, ${t.toTown}::text, ${t.weekend}::boolean, ${t.startMinute}::integer, ${t.startAt}::timestamptz)`,
      ),
    );
    const { rows } = await sql<{
      trip_id: number | string;
      from_town: string;
      to_town: string;
      start_at: Date | string;
      weekend: boolean;
      start_minute: number;
      choice: Choice;
    }>`
      select distinct h.trip_id, h.from_town, h.to_town, h.start_at, h.weekend, h.start_minute, h.choice
      from (values ${wanted}) as w(trip_id, from_town, to_town, weekend, start_minute, start_at)
      cross join lateral (
        select a.trip_id, a.from_town, a.to_town, a.start_at, a.weekend, a.start_minute, a.choice
        from answered_trips a
        where a.individu_id = ${individuId}
          and a.from_town = w.from_town and a.to_town = w.to_town and a.weekend = w.weekend
          and a.start_at < w.start_at and a.trip_id <> w.trip_id
          and a.start_minute between w.start_minute - ${rule.windowMinutes}::integer and w.start_minute + ${rule.windowMinutes}::integer
        order by a.start_at desc
        limit ${rule.count}
      ) h
      -- Nothing when the driver turned suggestions off on any of their accounts (see on()).
      where not exists (select 1 from people p where p.individu_id = ${individuId} and not p.suggestions)`.execute(this.db);
    return rows.map((r) => ({
      tripId: Number(r.trip_id),
      fromTown: r.from_town,
      toTown: r.to_town,
      startAt: new Date(r.start_at),
      weekend: r.weekend,
      startMinute: r.start_minute,
      choice: r.choice,
    }));
  }

  /** Every answered trip of a driver, latest first (tests, and what a driver's data holds). */
  of(individuId: number) {
    return this.db.selectFrom('answered_trips').selectAll().where('individu_id', '=', individuId).orderBy('start_at', 'desc').execute();
  }

  /** Whether suggestions are on for a driver: off when any of their chat accounts turned them off. */
  async on(individuId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('people')
      .select((eb) => eb.fn.count<number>('id').filterWhere('suggestions', '=', false).as('off'))
      .where('individu_id', '=', individuId)
      .executeTakeFirst();
    return Number(row?.off ?? 0) === 0;
  }

  /** Turns suggestions on or off for every chat account of a driver (or the one person when linked to none). */
  async set(target: { individuId: number | null; personId: number }, on: boolean): Promise<void> {
    const update = this.db.updateTable('people').set({ suggestions: on });
    await (target.individuId === null ? update.where('id', '=', target.personId) : update.where('individu_id', '=', target.individuId)).execute();
  }

  /** A driver erased: their history goes. */
  async erase(individuId: number): Promise<void> {
    await this.db.deleteFrom('answered_trips').where('individu_id', '=', individuId).execute();
  }

  /** History older than the retention goes with the prompts. */
  async before(at: Date): Promise<number> {
    const deleted = await this.db.deleteFrom('answered_trips').where('start_at', '<', at).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }
}
