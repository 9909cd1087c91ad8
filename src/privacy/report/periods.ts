import { DateTime } from 'luxon';
import type { IsoDay } from '../../ocean/dates';

/** A reporting period: whole local days from `first` to `last`, both included. */
export interface Period {
  first: IsoDay;
  last: IsoDay;
  /** How to name it: a year (to yesterday when it is the current one), a month, a week, a single day or a range. */
  kind: 'day' | 'week' | 'month' | 'year' | 'range';
}

export type PeriodError = {
  key: 'errors.badPeriod' | 'errors.periodOrder' | 'errors.periodFuture' | 'errors.periodTooLong';
  params: Record<string, string | number>;
};

export const MAX_PERIOD_DAYS = 366;

const YESTERDAY = ['yesterday', 'hier'];
const LAST_WEEK = ['last-week', 'semaine-derniere', 'semaine-dernière'];
const LAST_MONTH = ['last-month', 'mois-dernier'];

export function isPeriodWord(word: string): boolean {
  const w = word.toLowerCase();
  return YESTERDAY.includes(w) || LAST_WEEK.includes(w) || LAST_MONTH.includes(w) || /^\d{4}(-\d{1,2})?$/.test(w) || /^\d{1,2}\/\d{1,2}\/\d{4}/.test(w);
}

/**
 * Parses a period in the fleet's time zone, relative to `now`. Only today's date needs the zone;
 * the rest is calendar arithmetic on whole days, done in UTC where no day is 23 or 25 hours long
 * (and which luxon computes without asking Intl for the zone's offset at every step).
 */
export function parsePeriod(argument: string, now: Date, zone: string): Period | PeriodError {
  const word = argument.trim().toLowerCase();
  const local = DateTime.fromJSDate(now, { zone });
  const today = DateTime.utc(local.year, local.month, local.day);
  const day = (d: DateTime) => d.toISODate() as IsoDay;
  if (YESTERDAY.includes(word)) {
    const y = today.minus({ days: 1 });
    return { first: day(y), last: day(y), kind: 'day' };
  }
  if (LAST_WEEK.includes(word)) {
    const monday = today.startOf('week').minus({ weeks: 1 });
    return { first: day(monday), last: day(monday.plus({ days: 6 })), kind: 'week' };
  }
  if (LAST_MONTH.includes(word)) {
    const start = today.startOf('month').minus({ months: 1 });
    return { first: day(start), last: day(start.endOf('month')), kind: 'month' };
  }
  const year = /^(\d{4})$/.exec(word);
  if (year) {
    const start = DateTime.utc(Number(year[1]), 1, 1);
    const end = start.endOf('year');
    const last = today.minus({ days: 1 });
    if (start > last) return { key: 'errors.periodFuture', params: { argument } };
    // The year so far: Ocean has nothing after yesterday.
    return { first: day(start), last: day(DateTime.min(end, last)), kind: 'year' };
  }
  const month = /^(\d{4})-(\d{1,2})$/.exec(word);
  if (month) {
    const start = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]), day: 1 }, { zone: 'utc' });
    if (!start.isValid) return { key: 'errors.badPeriod', params: { argument } };
    if (start > today) return { key: 'errors.periodFuture', params: { argument } };
    return { first: day(start), last: day(start.endOf('month')), kind: 'month' };
  }
  const range = /^(\d{1,2}\/\d{1,2}\/\d{4})-(\d{1,2}\/\d{1,2}\/\d{4})$/.exec(word);
  if (range) {
    const from = DateTime.fromFormat(range[1] as string, 'd/M/yyyy', { zone: 'utc' });
    const to = DateTime.fromFormat(range[2] as string, 'd/M/yyyy', { zone: 'utc' });
    if (!from.isValid || !to.isValid) return { key: 'errors.badPeriod', params: { argument } };
    if (to < from) return { key: 'errors.periodOrder', params: { argument } };
    if (from > today) return { key: 'errors.periodFuture', params: { argument } };
    if (to.diff(from, 'days').days + 1 > MAX_PERIOD_DAYS) return { key: 'errors.periodTooLong', params: { argument, max: MAX_PERIOD_DAYS } };
    return { first: day(from), last: day(to), kind: from.equals(to) ? 'day' : 'range' };
  }
  return { key: 'errors.badPeriod', params: { argument } };
}

export function lastMonth(now: Date, zone: string): Period {
  return parsePeriod('last-month', now, zone) as Period;
}

export function isPeriodError(value: Period | PeriodError): value is PeriodError {
  return 'key' in value;
}
