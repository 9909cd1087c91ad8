import type { TripSlot } from '../../domain';
import type { Log } from '../../log';
import type { DailyPromptRow, Store, TripAnswerRow } from '../../store';
import type { AnsweredTrip } from '../../store/history';
import { promptTrips, type Trip } from '../trips';
import { SUGGESTION_AGREEING, SUGGESTION_WINDOW_MINUTES, type Suggestion, suggest, tripSlot } from './suggestion-rule';

export interface SuggestionDeps {
  store: Store;
  zone: string;
  logger?: Log;
}

/**
 * Suggestions for a prompt's trips from its driver's own answers (issue 22): read from the
 * store in one query per prompt (the history near every trip at once, none when the driver
 * turned suggestions off), decided by the rule in suggestion-rule.ts. Nothing here reaches Ocean.
 */
export class Suggestions {
  constructor(private readonly deps: SuggestionDeps) {}

  /**
   * The suggestion for each trip of `prompt` still without an answer (by trip id), or only for
   * `trips` when given; none when the driver turned suggestions off.
   */
  async forPrompt(prompt: DailyPromptRow, answers: readonly TripAnswerRow[], trips?: readonly Trip[]): Promise<Map<number, Suggestion>> {
    return (await this.forPrompts([{ prompt, answers, trips }])).get(prompt.id) ?? new Map();
  }

  /**
   * `forPrompt` for several prompts (a driver's open days in `/privacy`), in one query per driver:
   * by prompt id, the suggestion for each trip.
   */
  async forPrompts(
    entries: readonly { prompt: DailyPromptRow; answers: readonly TripAnswerRow[]; trips?: readonly Trip[] }[],
  ): Promise<Map<number, Map<number, Suggestion>>> {
    const found = new Map<number, Map<number, Suggestion>>();
    const byDriver = new Map<number, { promptId: number; slots: (TripSlot & { tripId: number })[] }[]>();
    for (const { prompt, answers, trips } of entries) {
      found.set(prompt.id, new Map());
      const answered = new Set(answers.map((a) => a.trip_id));
      const slots = (trips ?? promptTrips(prompt).asked).flatMap((trip) => {
        const slot = answered.has(trip.id) ? undefined : tripSlot(trip, this.deps.zone);
        return slot ? [{ ...slot, tripId: trip.id }] : [];
      });
      if (!slots.length) continue;
      const driver = byDriver.get(prompt.individu_id) ?? [];
      driver.push({ promptId: prompt.id, slots });
      byDriver.set(prompt.individu_id, driver);
    }
    for (const [individuId, prompts] of byDriver) {
      // One query: the history near every trip, empty when the driver turned suggestions off.
      const history = await this.deps.store.history.near(
        individuId,
        prompts.flatMap((p) => p.slots),
        { count: SUGGESTION_AGREEING, windowMinutes: SUGGESTION_WINDOW_MINUTES },
      );
      for (const { promptId, slots } of prompts) {
        const suggestions = found.get(promptId) as Map<number, Suggestion>;
        for (const slot of slots) {
          const suggestion = suggest(slot, history);
          if (suggestion) suggestions.set(slot.tripId, suggestion);
        }
      }
    }
    return found;
  }

  /**
   * The suggestions to draw with a prompt: a message without them is better than no message, so
   * a store that fails to answer here leaves them out (and says so in the log).
   */
  async toShow(prompt: DailyPromptRow, answers: readonly TripAnswerRow[]): Promise<Map<number, Suggestion>> {
    return (await this.toShowMany([{ prompt, answers }])).get(prompt.id) ?? new Map();
  }

  /** `toShow` for several prompts, in one query per driver (`forPrompts`). */
  async toShowMany(
    entries: readonly { prompt: DailyPromptRow; answers: readonly TripAnswerRow[]; trips?: readonly Trip[] }[],
  ): Promise<Map<number, Map<number, Suggestion>>> {
    try {
      return await this.forPrompts(entries);
    } catch (error) {
      this.deps.logger?.warn(
        { promptIds: entries.map((e) => e.prompt.id), err: error instanceof Error ? error.message : String(error) },
        'suggestions left out of a prompt',
      );
      return new Map();
    }
  }

  /**
   * Trips of `prompt` as the driver's history keeps them once answered (by trip id): those being
   * answered when given (a click works out only its own), every trip of the prompt otherwise.
   */
  answered(prompt: DailyPromptRow, trips: readonly Trip[] = promptTrips(prompt).asked): Map<number, AnsweredTrip> {
    const slots = new Map<number, AnsweredTrip>();
    for (const trip of trips) {
      const slot = tripSlot(trip, this.deps.zone);
      if (slot) slots.set(trip.id, { ...slot, tripId: trip.id });
    }
    return slots;
  }
}
