import { DateTime } from 'luxon';

/*
 * Days for tests that run `npm run daily` in a child process: the child runs on the real clock and
 * refuses a day past its answer deadline (ANSWER_DEADLINE_DAYS, 7 by default), so a pinned day
 * stops working a week after it was written.
 */

const ZONE = 'Europe/Paris';

/** The day `days` days before today in the sandbox fleet's zone. */
export function daysAgo(days: number): string {
  return DateTime.now().setZone(ZONE).minus({ days }).toISODate()!;
}

/**
 * The latest Tuesday, Wednesday or Thursday from two to six days ago: a working day of the
 * simulated fleet (trips for every driver), closed, and still open to answers. Five days in a row
 * always hold one of the three.
 */
export function recentWorkday(): string {
  for (let days = 2; days <= 6; days += 1) {
    const day = DateTime.now().setZone(ZONE).minus({ days });
    if (day.weekday >= 2 && day.weekday <= 4) return day.toISODate()!;
  }
  throw new Error('unreachable: five days in a row hold a Tuesday, Wednesday or Thursday');
}
