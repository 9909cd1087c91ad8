import type { Translator } from '../../i18n';
import type { DailyPromptRow, Person, Store, TripAnswerRow } from '../../store';
import type { AnswerPayload } from '../../views/payloads';
import type { View } from '../../views/views';
import { personRef } from '../people';
import { promptTrips } from '../trips';
import type { AnswerWindow } from './answer-window';
import { MAX_TRIPS_PER_MESSAGE, pageOfTrip, promptView } from './prompt-view';
import type { Suggestions } from './suggestions';

export type RecordedClick =
  /** `kept`: trips the day's button left alone, answered otherwise already. */
  | { ok: true; prompt: DailyPromptRow; person: Person; page: number; created: number; kept: number }
  | { ok: false; reason: 'badButton' | 'promptUnknown' | 'notYourPrompt' | 'replayed'; person?: Person }
  /** "Accept suggestions" with no suggested trip left without an answer on its page: nothing was written. */
  | { ok: false; reason: 'noSuggestion'; person: Person; prompt: DailyPromptRow; page: number }
  /** The day's deadline has passed: nothing was written, nothing goes to Ocean. */
  | { ok: false; reason: 'closed'; person: Person; prompt: DailyPromptRow };

export interface AnswerDeps {
  store: Store;
  zone: string;
  window: AnswerWindow;
  suggestions: Suggestions;
}

/**
 * A driver's click on "private" or "professional". It is written to the store before the
 * platform gets its acknowledgement (the platform never sends an acknowledged click again), and
 * only the store is asked: the button names a stored prompt, the prompt names its driver, and
 * the person clicking must be linked to that driver. The outbox delivers the answer to Ocean
 * afterwards; nothing is sent to Ocean here. After the day's deadline every click is refused,
 * a change of mind too: the clock and the prompt's day decide, still without asking Ocean.
 */
export class AnswerService {
  constructor(private readonly deps: AnswerDeps) {}

  /** Records the click of `person` (as the store knows them); `requestKey` makes a replay change nothing. */
  async record(person: Person | undefined, payload: AnswerPayload, requestKey?: string): Promise<RecordedClick> {
    const { store } = this.deps;
    const owned = await this.answerable(person, payload.promptId, {});
    if ('refused' in owned) return owned.refused;
    const { prompt } = owned;
    const { asked, privateTrips } = promptTrips(prompt);
    const whole = payload.trip === 'all' || payload.trip === 'every';
    const one = typeof payload.trip === 'number' ? (payload.hours ? privateTrips : asked)[payload.trip] : undefined;
    const chosen = whole ? asked : one ? [one] : [];
    if (!chosen.length) return { ok: false, reason: 'badButton', person };
    // The day's button answers the trips still without an answer: a trip answered one by one
    // otherwise is kept (and counted, so the driver is told and may change it too with 'every').
    const kept =
      payload.trip === 'all'
        ? (await store.answers.latest(prompt.id)).filter((a) => a.choice !== payload.choice && chosen.some((trip) => trip.id === a.trip_id)).length
        : 0;
    const { replayed, created } = await store.answers.record({
      promptId: prompt.id,
      tripIds: chosen.map((trip) => trip.id),
      choice: payload.choice,
      onlyUnanswered: payload.trip === 'all',
      answeredBy: owned.person.id,
      requestKey,
      audit: { actor: personRef(owned.person), details: { trip: payload.trip, choice: payload.choice } },
      history: { individuId: prompt.individu_id, trips: this.deps.suggestions.answered(prompt, chosen) },
    });
    if (replayed) return { ok: false, reason: 'replayed', person };
    return { ok: true, prompt, person: owned.person, created, kept, page: typeof payload.trip === 'number' && !payload.hours ? pageOfTrip(payload.trip) : 0 };
  }

  /**
   * The prompt a button names, when `person` is its driver and its day is still open; the
   * refusal otherwise (written to the audit log when the prompt is someone else's).
   */
  private async answerable(
    person: Person | undefined,
    promptId: number,
    auditDetails: Record<string, unknown>,
  ): Promise<{ prompt: DailyPromptRow; person: Person } | { refused: RecordedClick }> {
    const { store } = this.deps;
    const prompt = await store.prompts.byId(promptId);
    if (!prompt) return { refused: { ok: false, reason: 'promptUnknown', person } };
    if (!person || person.individu_id === null || person.individu_id !== prompt.individu_id) {
      if (person) await store.auditLog.add(personRef(person), 'answer.refused', `prompt:${prompt.id}`, { reason: 'notYourPrompt', ...auditDetails });
      return { refused: { ok: false, reason: 'notYourPrompt', person } };
    }
    if (!this.deps.window.isOpen(prompt.day)) return { refused: { ok: false, reason: 'closed', person, prompt } };
    return { prompt, person };
  }

  /**
   * "Accept suggestions" on a page of a prompt: the suggestions are worked out again from the
   * store (the button only says which prompt and page), and every suggested trip of that page
   * still without an answer gets its suggested answer, in one transaction with the request's
   * key. Checked like any answer: the prompt's driver only, and only until the deadline.
   */
  async acceptSuggestions(person: Person | undefined, target: { promptId: number; page: number }, requestKey?: string): Promise<RecordedClick> {
    const { store } = this.deps;
    const owned = await this.answerable(person, target.promptId, { suggestions: true });
    if ('refused' in owned) return owned.refused;
    const { prompt } = owned;
    const { asked } = promptTrips(prompt);
    const first = target.page * MAX_TRIPS_PER_MESSAGE;
    if (first >= asked.length) return { ok: false, reason: 'badButton', person };
    const onPage = asked.slice(first, first + MAX_TRIPS_PER_MESSAGE);
    const suggestions = await this.deps.suggestions.forPrompt(prompt, await store.answers.latest(prompt.id), onPage);
    const picks = [...suggestions].map(([tripId, suggestion]) => ({ tripId, choice: suggestion.choice }));
    // Nothing left to accept: still one request, so that a replay is told apart (and ignored).
    if (!picks.length)
      return (await store.claim(requestKey))
        ? { ok: false, reason: 'noSuggestion', person: owned.person, prompt, page: target.page }
        : { ok: false, reason: 'replayed', person };
    const { replayed, created } = await store.answers.record({
      promptId: prompt.id,
      picks,
      onlyUnanswered: true,
      answeredBy: owned.person.id,
      requestKey,
      audit: { actor: personRef(owned.person), details: { suggestions: picks.length, page: target.page } },
      history: { individuId: prompt.individu_id, trips: this.deps.suggestions.answered(prompt, onPage) },
    });
    if (replayed) return { ok: false, reason: 'replayed', person };
    return { ok: true, prompt, person: owned.person, created, kept: 0, page: target.page };
  }

  /** The prompt as it stands, on one page, with the driver's suggestions; `answers` when the caller has just read them. */
  async view(prompt: DailyPromptRow, t: Translator, page = 0, answers?: TripAnswerRow[], hours = false): Promise<View> {
    const latest = answers ?? (await this.deps.store.answers.latest(prompt.id));
    const deadline = this.deps.window.of(prompt.day);
    const suggestions = deadline.closed ? undefined : await this.deps.suggestions.toShow(prompt, latest);
    return promptView(prompt, latest, t, { zone: this.deps.zone, page, deadline, suggestions, hours });
  }

  /** Another page of a long prompt, for its driver only. */
  async page(
    person: Person | undefined,
    promptId: number,
    page: number,
    t: Translator,
    hours = false,
  ): Promise<{ ok: true; prompt: DailyPromptRow; view: View } | { ok: false; reason: 'promptUnknown' | 'notYourPrompt' }> {
    const prompt = await this.deps.store.prompts.byId(promptId);
    if (!prompt) return { ok: false, reason: 'promptUnknown' };
    if (!person || person.individu_id === null || prompt.individu_id !== person.individu_id) return { ok: false, reason: 'notYourPrompt' };
    return { ok: true, prompt, view: await this.view(prompt, t, page, undefined, hours) };
  }
}
