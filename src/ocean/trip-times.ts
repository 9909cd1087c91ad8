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
  const time = typeof heure === 'string' ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(heure.trim()) : null;
  const day = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(date.trim());
  if (day && time) return wallClock(Number(day[3]), Number(day[2]), Number(day[1]), Number(time[1]), Number(time[2]), Number(time[3] ?? 0), zone);
  const iso = DateTime.fromISO(date.trim(), { zone });
  if (!iso.isValid) return null;
  if (!time) return typeof heure !== 'string' && /T/.test(date) ? iso.toJSDate() : null;
  return wallClock(iso.year, iso.month, iso.day, Number(time[1]), Number(time[2]), Number(time[3] ?? 0), zone);
}

/** A wall-clock time in a zone, as an instant; UTC without luxon (every row of every daily record goes through here). */
function wallClock(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  if (zone === 'utc') {
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    return new Date(ms).getUTCDate() === day ? new Date(ms) : null;
  }
  const at = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
  return at.isValid ? at.toJSDate() : null;
}
