import { DateTime } from 'luxon';
import type { Position } from './schemas';

/**
 * How a daily record's `posDeb`/`posFin` `date` and `heure` are read. They carry no zone and
 * their format is undocumented (REFERENCE §4); every date-time the docs do specify is UTC.
 * `utc` reads them as UTC, `fleet` in the fleet's time zone (OCEAN_TRIP_TIMES).
 */
export type TripTimesReading = 'utc' | 'fleet';
export const TRIP_TIMES_READINGS = ['utc', 'fleet'] as const;

export interface TripTimes {
  reading: TripTimesReading;
  /** The fleet's zone (TIMEZONE), used by the `fleet` reading. */
  fleetZone: string;
}

export function tripTimesZone(times: TripTimes): string {
  return times.reading === 'utc' ? 'utc' : times.fleetZone;
}

/**
 * The instant of a position: `dd/MM/yyyy` (or ISO) days with `HH:mm[:ss]` times in the reading's
 * zone; ISO date-times without an offset likewise; epoch milliseconds and ISO strings with an
 * offset as they are. Null when nothing readable came.
 */
export function readPositionInstant(position: Position | null | undefined, times: TripTimes): Date | null {
  if (!position) return null;
  const zone = tripTimesZone(times);
  const { date, heure } = position;
  if (typeof heure === 'number') return new Date(heure);
  if (typeof date === 'number' && heure == null) return new Date(date);
  if (typeof heure === 'string' && /T/.test(heure)) {
    const iso = DateTime.fromISO(heure, { zone });
    if (iso.isValid) return iso.toJSDate();
  }
  if (typeof date !== 'string') return null;
  const fromFormat = DateTime.fromFormat(date.trim(), 'dd/MM/yyyy', { zone });
  const day = fromFormat.isValid ? fromFormat : DateTime.fromISO(date.trim(), { zone });
  if (!day.isValid) return null;
  if (typeof heure !== 'string') return /T/.test(date) ? day.toJSDate() : null;
  const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(heure.trim());
  if (!time) return null;
  const at = day.set({ hour: Number(time[1]), minute: Number(time[2]), second: Number(time[3] ?? 0), millisecond: 0 });
  return at.isValid ? at.toJSDate() : null;
}
