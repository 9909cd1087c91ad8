/*
 * The words of the domain that every layer uses: which chat platform, who someone is to the
 * bot, what a driver answered, which language we speak. Nothing here depends on anything else.
 */

export type Platform = 'slack' | 'teams' | 'web';
export type Role = 'driver' | 'manager';
export type Choice = 'private' | 'professional';
export type Locale = 'fr' | 'en';

/** Where and when a trip started, in the fleet's time zone (suggestions from a driver's own answers). */
export interface TripSlot {
  fromTown: string;
  toTown: string;
  startAt: Date;
  /** Saturday or Sunday. */
  weekend: boolean;
  /** Minute of the day, 0 to 1439. */
  startMinute: number;
}

/** A trip of a driver's history: its slot and the answer it got. */
export interface HistoryRow extends TripSlot {
  tripId: number;
  choice: Choice;
}
