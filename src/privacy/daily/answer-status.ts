import type { TripAnswerRow } from '../../store';

/** Starts the `last_error` of an answer Ocean took with an undocumented body (see isUnconfirmed). */
export const UNCONFIRMED = 'unconfirmed:';

/**
 * An answer Ocean answered 200 to, but not with its documented boolean: whether Ocean recorded
 * it is unknown. It is kept as not saved (status `refused`), never delivered again on its own.
 */
export function isUnconfirmed(answer: Pick<TripAnswerRow, 'status' | 'last_error'>): boolean {
  return answer.status === 'refused' && (answer.last_error ?? '').startsWith(UNCONFIRMED);
}
