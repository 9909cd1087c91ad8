import { DateTime } from 'luxon';
import { type Fleet, SEEDED_HISTORY_INDEXES } from '../../sandbox/fleet';
import type { Store } from '../../store';
import { recordAnswered } from '../../store/history';
import { tripSlot } from './suggestion-rule';

/** Weeks of answers seeded before the day asked: the rule wants the last three to agree. */
const SEEDED_WEEKS = 3;
/** Seeded trips get ids below every simulated trip's (see fleet.ts), so no real trip is taken for one. */
const SEED_ID_TOP = 999_999_999_999;

/**
 * Sandbox only: a few weeks of answers for some drivers (SEEDED_HISTORY_INDEXES), so that the
 * prompt for `day` shows suggestions at once. Each trip of `day` is taken as a route the driver
 * drives every week: it is written to the driver's history as answered on the same weekday of
 * the weeks before, at the same time, professional in working hours and private after 18:00.
 * Written again at every run, it changes nothing once there. Returns the rows written.
 */
export async function seedSandboxHistory(store: Store, fleet: Fleet, day: string, zone: string): Promise<number> {
  let written = 0;
  for (const index of SEEDED_HISTORY_INDEXES) {
    const driver = fleet.byIndex(index);
    if (!driver.vehicleId) continue;
    const trips = fleet.trips(driver.vehicleId, day, zone).filter((trip) => trip.driverId === driver.individuId);
    for (const trip of trips) {
      for (let week = 1; week <= SEEDED_WEEKS; week += 1) {
        const start = trip.start.setZone(zone).minus({ weeks: week });
        const slot = tripSlot({ fromTown: trip.from.town, toTown: trip.to.town, start: start.toISO() }, zone);
        if (!slot) continue;
        const tripId = SEED_ID_TOP - ((trip.id % 10_000_000_000) * 4 + week);
        const choice = DateTime.fromJSDate(slot.startAt, { zone }).hour >= 18 ? 'private' : 'professional';
        await recordAnswered(store.db, driver.individuId, { ...slot, tripId }, choice, start.plus({ days: 1 }).toJSDate());
        written += 1;
      }
    }
  }
  return written;
}
