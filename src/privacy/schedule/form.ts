import type { Translator } from '../../i18n';
import { WEEKDAYS, type Weekday } from '../../ocean/schemas';
import { END_OF_DAY, formatMinutes, type WeeklyRange } from '../trips';

/** At most this many private ranges on one day: more is surely a typing mistake. */
export const MAX_RANGES_PER_DAY = 6;

export interface DayRange {
  start: number;
  end: number;
}

export type Week = Record<Weekday, DayRange[]>;

export function emptyWeek(): Week {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Week;
}

export function weekOf(ranges: WeeklyRange[]): Week {
  const week = emptyWeek();
  for (const r of ranges) week[r.day].push({ start: r.start, end: r.end });
  for (const day of WEEKDAYS) week[day].sort((a, b) => a.start - b.start);
  return week;
}

export function formatRanges(ranges: DayRange[]): string {
  return ranges.map((r) => `${formatMinutes(r.start)}-${formatMinutes(r.end)}`).join(', ');
}

/**
 * Reads one weekday's field: `00:00-08:00, 18:00-23:59` (commas, semicolons or new lines; `–`
 * or `-`; `8h`, `8:00`, `08h30` accepted). Returns the ranges or the error to show on the field.
 */
export function parseDayField(text: string, t: Translator): { ranges: DayRange[] } | { error: string } {
  const parts = text
    .split(/[,;\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > MAX_RANGES_PER_DAY) return { error: t.t('schedule.tooMany', { max: MAX_RANGES_PER_DAY }) };
  const ranges: DayRange[] = [];
  for (const part of parts) {
    const match =
      /^(\d{1,2})\s*[:hH]\s*(\d{2})?\s*[-–—àa]\s*(\d{1,2})\s*[:hH]\s*(\d{2})?$/.exec(part) ?? /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/.exec(part);
    if (!match) return { error: t.t('schedule.rangeFormat') };
    const [sh, sm, eh, em] = [match[1], match[2] ?? '0', match[3], match[4] ?? '0'].map(Number) as [number, number, number, number];
    const start = sh * 60 + sm;
    // 24:00 is written by some; Ocean's recurring slots end at 23:59 (REFERENCE §9.14).
    const end = eh === 24 && em === 0 ? END_OF_DAY : eh * 60 + em;
    if (sh > 23 || sm > 59 || eh > 24 || em > 59 || end > END_OF_DAY) return { error: t.t('schedule.rangeBounds', { range: part }) };
    if (start >= end) return { error: t.t('schedule.rangeOrder', { range: part }) };
    ranges.push({ start, end });
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i += 1) {
    const prev = ranges[i - 1] as DayRange;
    const cur = ranges[i] as DayRange;
    if (cur.start < prev.end) return { error: t.t('schedule.rangeOverlap', { a: formatRanges([prev]), b: formatRanges([cur]) }) };
  }
  return { ranges };
}

/** The `innerMap` body for a whole week (REFERENCE §5); days without ranges are left out. */
export function innerMapBody(week: Week) {
  const map: Record<
    string,
    Record<string, { idJourSemaine: string; typeHoraires: string; debutHeure: number; debutMinute: number; finHeure: number; finMinute: number }[]>
  > = {};
  for (const day of WEEKDAYS) {
    if (!week[day].length) continue;
    map[day] = {
      VIE_PRIVEE: week[day].map((r) => ({
        idJourSemaine: day,
        typeHoraires: 'VIE_PRIVEE',
        debutHeure: Math.floor(r.start / 60),
        finHeure: Math.floor(r.end / 60),
        debutMinute: r.start % 60,
        finMinute: r.end % 60,
      })),
    };
  }
  return { innerMap: { map } };
}

export function sameRange(a: DayRange, b: DayRange): boolean {
  return a.start === b.start && a.end === b.end;
}
