import { DateTime } from 'luxon';
import type { Choice, HistoryRow, TripSlot } from '../../domain';
import { localClock } from '../../ocean/dates';

export type { HistoryRow, TripSlot };

/*
 * Suggestions learned from a driver's own answers (issue 22), as a rule with no I/O: a trip is
 * suggested "private" or "professional" only when the last three trips the same driver answered
 * with the same start and end towns, the same kind of day (weekday or weekend) and a start
 * within 90 minutes (time of day) all got that answer.
 */

/** How many past answers must agree. */
export const SUGGESTION_AGREEING = 3;
/** How far apart two starts may be, in minutes of the day. */
export const SUGGESTION_WINDOW_MINUTES = 90;

export interface Suggestion {
  choice: Choice;
  /** How many past answers agreed (always SUGGESTION_AGREEING). */
  count: number;
  fromTown: string;
  toTown: string;
}

/** An ISO date-time with its offset (`Z` or `±hh:mm`), which `Date` reads exactly. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The slot of a trip as a prompt keeps it; none without both towns or a start. */
export function tripSlot(trip: { fromTown: string | null; toTown: string | null; start: string | null }, zone: string): TripSlot | undefined {
  if (!trip.fromTown || !trip.toTown || !trip.start) return undefined;
  // A start with its offset (as the store keeps it) names one instant; without, luxon reads it in the zone.
  if (WITH_OFFSET.test(trip.start)) {
    const startAt = new Date(trip.start);
    const clock = Number.isNaN(startAt.getTime()) ? undefined : localClock(startAt, zone);
    if (clock) return { fromTown: trip.fromTown, toTown: trip.toTown, startAt, weekend: clock.weekday >= 6, startMinute: clock.minuteOfDay };
  }
  const local = DateTime.fromISO(trip.start, { zone });
  if (!local.isValid) return undefined;
  return { fromTown: trip.fromTown, toTown: trip.toTown, startAt: local.toJSDate(), weekend: local.weekday >= 6, startMinute: local.hour * 60 + local.minute };
}

/**
 * The suggestion for `trip` from `history` (the driver's answered trips; any order, any route):
 * of the trips on the same route and kind of day, started before this one and within
 * SUGGESTION_WINDOW_MINUTES of its time of day, the latest three; suggested when there are
 * three and they agree. The trip itself, answered already, never counts for itself.
 */
export function suggest(trip: TripSlot & { tripId?: number }, history: readonly HistoryRow[]): Suggestion | undefined {
  const latest = history
    .filter(
      (row) =>
        row.tripId !== trip.tripId &&
        row.fromTown === trip.fromTown &&
        row.toTown === trip.toTown &&
        row.weekend === trip.weekend &&
        row.startAt.getTime() < trip.startAt.getTime() &&
        Math.abs(row.startMinute - trip.startMinute) <= SUGGESTION_WINDOW_MINUTES,
    )
    .sort((a, b) => b.startAt.getTime() - a.startAt.getTime())
    .slice(0, SUGGESTION_AGREEING);
  if (latest.length < SUGGESTION_AGREEING) return undefined;
  const choice = latest[0]!.choice;
  if (!latest.every((row) => row.choice === choice)) return undefined;
  return { choice, count: latest.length, fromTown: trip.fromTown, toTown: trip.toTown };
}
