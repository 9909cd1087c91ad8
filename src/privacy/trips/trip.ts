import { z } from 'zod';
import type { DailyPromptRow } from '../../store';

/**
 * A trip as a driver is asked about it, and as its prompt keeps it: times, towns (never street
 * addresses), distance, duration. One shape for the trips read from Ocean and for those read
 * back from the store, where the prompt row holds them as JSON.
 */
export const Trip = z.object({
  /** `fjRows[].id`, the `idEtape` of the retroactive request (an inference from Ocean's docs). */
  id: z.number().int(),
  vehicleId: z.number().int(),
  numeroEmbarque: z.number().int().nullable(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  fromTown: z.string().nullable(),
  toTown: z.string().nullable(),
  distanceMeter: z.number(),
  durationSec: z.number(),
});
export type Trip = z.infer<typeof Trip>;

/**
 * What a prompt row keeps: the trips asked, and how many were already private (inside the
 * driver's private hours), with those trips themselves (prompts older than that keep only the count).
 */
export const PromptTrips = z.object({
  asked: z.array(Trip),
  alreadyPrivate: z.number().int().nonnegative(),
  privateTrips: z.array(Trip).default([]),
});
export type PromptTrips = z.infer<typeof PromptTrips>;

/** Each stored trips value read once: a request draws the same prompt row several times (read only, never changed). */
const read = new WeakMap<object, PromptTrips>();

export function promptTrips(prompt: DailyPromptRow): PromptTrips {
  const stored: unknown = prompt.trips;
  const known = typeof stored === 'object' && stored !== null ? read.get(stored) : undefined;
  if (known) return known;
  const parsed = PromptTrips.safeParse(stored);
  const trips = parsed.success ? parsed.data : { asked: [], alreadyPrivate: 0, privateTrips: [] };
  if (typeof stored === 'object' && stored !== null) read.set(stored, trips);
  return trips;
}

/** A trip of the prompt by id, asked or already private: what an answer to it is about. */
export function promptTrip(prompt: DailyPromptRow, tripId: number): Trip | undefined {
  const { asked, privateTrips } = promptTrips(prompt);
  return asked.find((t) => t.id === tripId) ?? privateTrips.find((t) => t.id === tripId);
}
