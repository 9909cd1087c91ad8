import type { AnswerPayload } from '../views/payloads';
import type { View } from '../views/views';
import type { Choice } from '../domain';
import type { DailyPromptRow, Store } from '../store';
import type { Actor } from './people';
import { pageOfTrip, promptTrips, promptView } from './prompt-view';

export type AnswerOutcome =
  | { ok: true; prompt: DailyPromptRow; view: View; recorded: number }
  | { ok: false; reason: 'badButton' | 'promptUnknown' | 'notYourPrompt' };

export interface AnswerDeps {
  store: Store;
  zone: string;
  /** Called after answers are stored, to start their delivery now. */
  onRecorded?: () => void;
}

/**
 * A driver's click: checked (the prompt must be theirs, the trip must be in it), stored as
 * pending answers first, then delivered to Ocean by the outbox. Nothing is sent to Ocean here.
 */
export class AnswerService {
  constructor(private readonly deps: AnswerDeps) {}

  async answer(actor: Actor, payload: AnswerPayload): Promise<AnswerOutcome> {
    const { store } = this.deps;
    const prompt = await store.promptById(payload.promptId);
    if (!prompt) return { ok: false, reason: 'promptUnknown' };
    if (actor.individuId === null || prompt.individu_id !== actor.individuId) {
      await store.audit(actor.ref, 'answer.refused', `prompt:${prompt.id}`, { reason: 'notYourPrompt' });
      return { ok: false, reason: 'notYourPrompt' };
    }
    const { asked } = promptTrips(prompt);
    const chosen = payload.trip === 'all' ? asked : asked[payload.trip] ? [asked[payload.trip]] : [];
    if (!chosen.length) return { ok: false, reason: 'badButton' };
    let recorded = 0;
    for (const trip of chosen) {
      if (!trip) continue;
      // Clicking the same choice again changes nothing and sends nothing twice (checked atomically).
      const { created } = await store.recordAnswer({ promptId: prompt.id, tripId: trip.id, choice: payload.choice as Choice, answeredBy: actor.person.id });
      if (created) recorded += 1;
    }
    if (recorded) {
      await store.audit(actor.ref, 'answer', `prompt:${prompt.id}`, { trip: payload.trip, choice: payload.choice });
      this.deps.onRecorded?.();
    }
    const answers = await store.latestAnswers(prompt.id);
    const page = payload.trip === 'all' ? 0 : pageOfTrip(payload.trip);
    return { ok: true, prompt, recorded, view: promptView(prompt, answers, actor.t, { zone: this.deps.zone, page }) };
  }

  /** Another page of a long prompt, for its driver only. */
  async page(actor: Actor, promptId: number, page: number): Promise<AnswerOutcome> {
    const prompt = await this.deps.store.promptById(promptId);
    if (!prompt) return { ok: false, reason: 'promptUnknown' };
    if (actor.individuId === null || prompt.individu_id !== actor.individuId) return { ok: false, reason: 'notYourPrompt' };
    const answers = await this.deps.store.latestAnswers(prompt.id);
    return { ok: true, prompt, recorded: 0, view: promptView(prompt, answers, actor.t, { zone: this.deps.zone, page }) };
  }
}
