import type { Clock } from '../../clock';
import { addDays, type IsoDay, localDay, localDayBounds } from '../../ocean/dates';

export interface Deadline {
  /** The last day answers are taken, included. */
  lastDay: IsoDay;
  closed: boolean;
}

/**
 * How long a day's trips can be answered: until the end of the day `days` days later, in the
 * fleet's time zone (Tuesday's trips, 7 days: until the next Tuesday, 23:59). After that the
 * day is closed: its unanswered trips stay as Ocean has them, so reports settle, and no click,
 * reminder or change of mind reaches Ocean any more. Only the store and the clock are asked.
 */
export class AnswerWindow {
  constructor(
    private readonly zone: string,
    readonly days: number,
    private readonly clock: Clock,
  ) {}

  /** Days' closing instants, worked out once (every prompt drawn asks). */
  private readonly closing = new Map<IsoDay, number>();

  /** The instant the day closes (the start of the day after its last day). */
  closesAt(day: IsoDay): Date {
    let at = this.closing.get(day);
    if (at === undefined) {
      at = localDayBounds(addDays(day, this.days), this.zone).end.getTime();
      if (this.closing.size >= 1000) this.closing.clear();
      this.closing.set(day, at);
    }
    return new Date(at);
  }

  /** The last day answers are taken, as the driver reads it ("until Tuesday 1 December"). */
  lastDay(day: IsoDay): IsoDay {
    return addDays(day, this.days);
  }

  /** What a prompt of `day` says about it now: until when it can be answered, and whether that is past. */
  of(day: IsoDay, at: Date = this.clock.now()): Deadline {
    return { lastDay: this.lastDay(day), closed: !this.isOpen(day, at) };
  }

  isOpen(day: IsoDay, at: Date = this.clock.now()): boolean {
    return at.getTime() < this.closesAt(day).getTime();
  }

  /** The first day still open at `at`: days before it are closed. */
  firstOpenDay(at: Date = this.clock.now()): IsoDay {
    return addDays(localDay(at, this.zone), -this.days);
  }
}

/**
 * Whether a day can be run by hand (`npm run daily -- --date`): a closed day cannot be answered
 * any more and a day to come has no trips, so both are refused; today is only the trips so far.
 */
export function dayToRun(day: IsoDay, window: AnswerWindow, zone: string, at: Date): { refuse: string } | { warn: string } | { ok: true } {
  const today = localDay(at, zone);
  if (day > today) return { refuse: `${day} has not happened yet: there is nothing to ask. Run a day from ${window.firstOpenDay(at)} to ${today}.` };
  if (!window.isOpen(day, at))
    return {
      refuse: `${day} is closed: its answers were taken until ${window.lastDay(day)} (ANSWER_DEADLINE_DAYS=${window.days}), so no prompt is sent for it. Run a day from ${window.firstOpenDay(at)} to ${today}.`,
    };
  if (day === today)
    return { warn: `${day} is today: only the trips made so far are asked; trips later today will not be. Run it tomorrow for the whole day.` };
  return { ok: true };
}
