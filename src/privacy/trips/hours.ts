import { DateTime } from 'luxon';
import { type ExceptionalPeriod as OceanExceptional, type ScheduleAssignment, WEEKDAYS, type Weekday } from '../../ocean/schemas';

/** A recurring private range on a weekday, in minutes from midnight; `end` 1439 means 23:59. */
export interface WeeklyRange {
  /** The assignment id (what Ocean's DELETE takes). */
  id: number | null;
  day: Weekday;
  start: number;
  end: number;
  validFrom: Date | null;
  validTo: Date | null;
}

export interface ExceptionalPeriod {
  extensionId: number;
  description: string;
  start: Date;
  end: Date;
}

export const END_OF_DAY = 23 * 60 + 59;

/** A driver's private hours as Ocean holds them: recurring ranges and exceptional periods. */
export class PrivateHours {
  constructor(
    readonly recurring: WeeklyRange[],
    readonly exceptional: ExceptionalPeriod[],
  ) {}

  static fromOcean(assignments: ScheduleAssignment[], periods: OceanExceptional[]): PrivateHours {
    const recurring: WeeklyRange[] = [];
    for (const a of assignments) {
      // Only private-life slots count; Ocean also lists other kinds (IMMOBILISATION in the first docs).
      if (a.horaire.typeHoraires !== 'VIE_PRIVEE') continue;
      const day = WEEKDAYS.find((d) => d === a.horaire.idJourSemaine);
      if (!day) continue;
      recurring.push({
        id: a.id,
        day,
        start: a.horaire.debutHeure * 60 + (a.horaire.debutMinute ?? 0),
        end: Math.min(END_OF_DAY, a.horaire.finHeure * 60 + (a.horaire.finMinute ?? 0)),
        validFrom: a.debut ?? null,
        validTo: a.fin ?? null,
      });
    }
    const exceptional: ExceptionalPeriod[] = [];
    for (const p of periods) {
      // The EN docs show a copy of the recurring list here: such entries have no period to read.
      if (!p.debut || !p.fin || p.horaire) continue;
      exceptional.push({ extensionId: p.extension?.id ?? p.id, description: p.extension?.description ?? p.description ?? '', start: p.debut, end: p.fin });
    }
    recurring.sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.start - b.start);
    exceptional.sort((a, b) => a.start.getTime() - b.start.getTime());
    return new PrivateHours(recurring, exceptional);
  }

  /** The recurring ranges in force at `at`. */
  rangesAt(at: Date): WeeklyRange[] {
    const ms = at.getTime();
    return this.recurring.filter((r) => (!r.validFrom || r.validFrom.getTime() <= ms) && (!r.validTo || r.validTo.getTime() > ms));
  }

  /** Whether an instant lies in private hours: an exceptional period, or a weekly range that day. */
  contains(at: Date, zone: string): boolean {
    const ms = at.getTime();
    if (this.exceptional.some((p) => p.start.getTime() <= ms && ms < p.end.getTime())) return true;
    const local = DateTime.fromJSDate(at, { zone });
    const day = WEEKDAYS[local.weekday - 1];
    const minute = local.hour * 60 + local.minute;
    return this.rangesAt(at).some((r) => r.day === day && minute >= r.start && (minute < r.end || (r.end === END_OF_DAY && minute <= r.end)));
  }

  /** A trip lies inside private hours when both its start and its end do. */
  containsTrip(start: Date, end: Date, zone: string): boolean {
    return this.contains(start, zone) && this.contains(new Date(Math.max(start.getTime(), end.getTime() - 60_000)), zone);
  }
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
