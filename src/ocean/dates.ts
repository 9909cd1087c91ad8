import { DateTime } from 'luxon';

/**
 * Ocean's date formats, in one place.
 *
 * Query parameters take `dd/MM/yyyy HH:mm:ss Z` "in UTC"; every documented example puts a
 * literal `Z` in the zone slot, so we always send UTC with a literal `Z` (never `+0100`).
 * `ficheJour` takes a bare `dd/MM/yyyy`. The analysis body takes epoch ms or ISO strings.
 * Responses carry epoch milliseconds or ISO strings for the same fields (REFERENCE §0).
 */
export const OCEAN_DATETIME_FORMAT = "dd/MM/yyyy HH:mm:ss 'Z'";
export const OCEAN_DATE_FORMAT = 'dd/MM/yyyy';

/** A calendar day written `yyyy-MM-dd`, meaningful only together with a time zone. */
export type IsoDay = string;

export function toOceanDateTime(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: 'utc' }).toFormat(OCEAN_DATETIME_FORMAT);
}

/** Parses `dd/MM/yyyy HH:mm:ss Z` (literal Z or a numeric offset such as +0100). */
export function parseOceanDateTime(text: string): Date | null {
  const trimmed = text.trim();
  const literalZ = DateTime.fromFormat(trimmed, OCEAN_DATETIME_FORMAT, { zone: 'utc' });
  if (literalZ.isValid) return literalZ.toJSDate();
  for (const format of ['dd/MM/yyyy HH:mm:ss ZZ', 'dd/MM/yyyy HH:mm:ss ZZZ']) {
    const offset = DateTime.fromFormat(trimmed, format, { setZone: true });
    if (offset.isValid) return offset.toJSDate();
  }
  return null;
}

export function toOceanDate(day: IsoDay): string {
  const parsed = DateTime.fromISO(day, { zone: 'utc' });
  if (!parsed.isValid) throw new RangeError(`not a day: ${day}`);
  return parsed.toFormat(OCEAN_DATE_FORMAT);
}

export function parseOceanDate(text: string): IsoDay | null {
  const parsed = DateTime.fromFormat(text.trim(), OCEAN_DATE_FORMAT, { zone: 'utc' });
  return parsed.isValid ? parsed.toISODate() : null;
}

export function isIsoDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text).isValid;
}

/**
 * The instants that bound a local calendar day. Uses luxon's zone rules, so the day of a
 * daylight-saving change is 23 or 25 hours long, as it really is for the fleet.
 */
export function localDayBounds(day: IsoDay, zone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  if (!start.isValid) throw new RangeError(`not a day: ${day}`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** Bounds of the local days [first, last] inclusive. */
export function localRangeBounds(first: IsoDay, last: IsoDay, zone: string): { start: Date; end: Date } {
  return { start: localDayBounds(first, zone).start, end: localDayBounds(last, zone).end };
}

/** A local day of a zone as the request path needs it: its bounds, and its UTC offset when one holds all day. */
interface ZoneDay {
  day: IsoDay;
  start: number;
  end: number;
  /** The zone's offset from UTC in ms, when the day is 24 hours long at one offset (not a daylight-saving change). */
  offsetMs: number | undefined;
}

/** Local days worked out with luxon once, then read by comparing two numbers (each request asks several times). */
const zoneDays = new Map<string, ZoneDay[]>();
const ZONE_DAYS_KEPT = 64;

function zoneDayAt(instant: number, zone: string): ZoneDay | undefined {
  let days = zoneDays.get(zone);
  if (!days) {
    days = [];
    zoneDays.set(zone, days);
  }
  for (const known of days) if (instant >= known.start && instant < known.end) return known;
  const start = DateTime.fromMillis(instant, { zone }).startOf('day');
  if (!start.isValid) return undefined;
  const end = start.plus({ days: 1 });
  const constant = start.offset === end.offset && end.toMillis() - start.toMillis() === 86_400_000;
  const found: ZoneDay = {
    day: start.toISODate() as IsoDay,
    start: start.toMillis(),
    end: end.toMillis(),
    offsetMs: constant ? start.offset * 60_000 : undefined,
  };
  days.unshift(found);
  if (days.length > ZONE_DAYS_KEPT) days.pop();
  return found;
}

export function localDay(instant: Date, zone: string): IsoDay {
  return zoneDayAt(instant.getTime(), zone)?.day ?? (DateTime.fromJSDate(instant, { zone }).toISODate() as IsoDay);
}

/** An instant's local weekday (1 Monday … 7 Sunday, as luxon counts) and minute of the day in a zone. */
export function localClock(instant: Date, zone: string): { weekday: number; minuteOfDay: number } | undefined {
  const day = zoneDayAt(instant.getTime(), zone);
  if (day?.offsetMs !== undefined) {
    const wall = new Date(instant.getTime() + day.offsetMs);
    return { weekday: wall.getUTCDay() || 7, minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
  }
  const local = DateTime.fromJSDate(instant, { zone });
  return local.isValid ? { weekday: local.weekday, minuteOfDay: local.hour * 60 + local.minute } : undefined;
}

export function yesterday(now: Date, zone: string): IsoDay {
  return DateTime.fromJSDate(now, { zone }).minus({ days: 1 }).toISODate() as IsoDay;
}

export function addDays(day: IsoDay, days: number): IsoDay {
  // Calendar arithmetic on UTC dates (no zone can move a calendar day); luxon for anything but `yyyy-MM-dd`.
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match && Number.isInteger(days)) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const at = new Date(Date.UTC(year, month - 1, date));
    if (at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === date && year >= 1000) {
      at.setUTCDate(date + days);
      if (at.getUTCFullYear() >= 1000 && at.getUTCFullYear() <= 9999) return at.toISOString().slice(0, 10);
    }
  }
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate() as IsoDay;
}

/** Normalises Ocean's two timestamp forms (epoch ms or ISO string) to a Date; null if unreadable. */
export function parseOceanTimestamp(value: number | string): Date | null {
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  const iso = DateTime.fromISO(value, { setZone: true });
  if (iso.isValid) return iso.toJSDate();
  if (/^-?\d+$/.test(value)) return new Date(Number(value));
  return parseOceanDateTime(value);
}

/**
 * The UTC calendar dates a local day touches, in order. `ficheJour`'s `date` is documented as a
 * "UTC" day: outside UTC a fleet's day spans two of them (three never: no zone is 24 h off).
 */
export function utcDatesOfLocalDay(day: IsoDay, zone: string): IsoDay[] {
  const { start, end } = localDayBounds(day, zone);
  const first = DateTime.fromJSDate(start, { zone: 'utc' }).toISODate() as IsoDay;
  const last = DateTime.fromJSDate(new Date(end.getTime() - 1), { zone: 'utc' }).toISODate() as IsoDay;
  const dates = [first];
  while ((dates[dates.length - 1] as IsoDay) < last) dates.push(addDays(dates[dates.length - 1] as IsoDay, 1));
  return dates;
}
