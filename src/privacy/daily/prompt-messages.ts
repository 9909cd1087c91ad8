import type { Clock } from '../../clock';
import type { Locale } from '../../domain';
import { type Translator, translator } from '../../i18n';
import type { Log } from '../../log';
import type { DailyPromptRow, Person, PromptMessageRow, Store, TripAnswerRow } from '../../store';
import type { View } from '../../views/views';
import { localeOf } from '../people';
import { ChatDeliveryError, type ChatPorts, type MessageRef } from '../ports';
import { promptTrips } from '../trips';
import type { AnswerWindow, Deadline } from './answer-window';
import type { OverviewService } from './overview';
import { promptView } from './prompt-view';
import type { Suggestion } from './suggestion-rule';
import type { Suggestions } from './suggestions';

/** What a reference carries beside the message's identity: whose, which page, whether it is the overview. */
const NOT_IDENTITY = new Set(['platform', 'personId', 'page', 'overview', 'name', 'hours']);

/** A message's identity on its platform, whatever page of the prompt (or of the overview) it shows. */
export function messageKey(ref: MessageRef): string {
  const fields = Object.entries(ref)
    .filter(([key, value]) => !NOT_IDENTITY.has(key) && value !== undefined && value !== null)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${String(value)}`);
  return `${ref.platform}:${fields.join('&')}`;
}

/** A prompt as it stands: its answers, the messages showing it, its deadline and suggestions. */
export interface PromptState {
  prompt: DailyPromptRow;
  answers: TripAnswerRow[];
  messages: PromptMessageRow[];
  deadline: Deadline;
  suggestions: Map<number, Suggestion> | undefined;
}

/** A message showing one of a driver's prompts: to whom, where, which day. */
export interface ShownPrompt {
  person: Person;
  ref: MessageRef;
  day: string;
}

export interface PromptMessagesDeps {
  store: Store;
  ports: ChatPorts;
  clock: Clock;
  zone: string;
  window: AnswerWindow;
  suggestions: Suggestions;
  defaultLocale: Locale;
  /** Draws a driver's `/privacy` overview again (a message showing it is kept in step too). */
  overview?: OverviewService;
  logger?: Log;
}

/**
 * Every message that shows a prompt: the daily direct message, a reminder, a copy shown by
 * `/privacy`, an ephemeral copy someone clicked in. When an answer changes, all of them are
 * redrawn from the store, so a driver never sees two states of the same trip.
 */
export class PromptMessages {
  constructor(private readonly deps: PromptMessagesDeps) {}

  /** Remembers that `ref` shows the prompt (the page it shows is kept with it); `ttlMs` for messages that stop being editable. */
  async remember(promptId: number, personId: number | null, ref: MessageRef, ttlMs?: number): Promise<void> {
    const expiresAt = ttlMs === undefined ? null : new Date(this.deps.clock.now().getTime() + ttlMs);
    const refKey = messageKey(ref);
    // A message shows one thing at a time: an overview turned into a day's prompt shows no other day.
    await this.deps.store.prompts.addMessage({ promptId, personId, refKey, ref: { ...ref, overview: undefined, name: undefined }, expiresAt, replacing: true });
  }

  /**
   * Remembers that `ref` shows a driver's `/privacy` overview from its `offset`-th open day,
   * with the days of `promptIds`: an answer to any of them draws it again.
   */
  async rememberOverview(promptIds: number[], personId: number, name: string, ref: MessageRef, offset: number, ttlMs?: number): Promise<void> {
    const expiresAt = ttlMs === undefined ? null : new Date(this.deps.clock.now().getTime() + ttlMs);
    const refKey = messageKey(ref);
    await this.deps.store.prompts.forgetMessagesAt(refKey, personId);
    for (const promptId of promptIds)
      await this.deps.store.prompts.addMessage({ promptId, personId, refKey, ref: { ...ref, page: undefined, overview: offset, name }, expiresAt });
  }

  /**
   * A prompt as it stands, read once (the row, its answers, the messages showing it) with its
   * deadline and suggestions: what drawing it anywhere needs.
   */
  async state(promptId: number): Promise<PromptState | undefined> {
    const shown = await this.deps.store.prompts.shown(promptId);
    if (!shown) return undefined;
    const deadline = this.deps.window.of(shown.prompt.day);
    const suggestions = deadline.closed ? undefined : await this.deps.suggestions.toShow(shown.prompt, shown.answers);
    return { ...shown, deadline, suggestions };
  }

  /** The prompt drawn from its state, at `page` (the private-hours view with `hours`). */
  draw(state: PromptState, t: Translator, page = 0, hours = false): View {
    const { prompt, answers, deadline, suggestions } = state;
    return promptView(prompt, answers, t, { zone: this.deps.zone, page, deadline, suggestions, hours });
  }

  /**
   * Redraws every message showing the prompt (but `except`, just drawn by the caller). `known`:
   * the state the caller has just read and drawn, not read again.
   */
  async redraw(promptId: number, except?: MessageRef, known?: PromptState): Promise<void> {
    const { store, ports } = this.deps;
    const skip = except && messageKey(except);
    if (known && !known.messages.some((m) => m.ref_key !== skip)) return;
    const state = known ?? (await this.state(promptId));
    if (!state) return;
    const messages = state.messages.filter((m) => m.ref_key !== skip);
    if (!messages.length) return;
    const people = await store.people.byIds(messages.flatMap((m) => (m.person_id === null ? [] : [m.person_id])));
    for (const message of messages) {
      const ref = message.ref as MessageRef;
      const port = ports.get(ref.platform);
      const person = message.person_id === null ? undefined : people.get(message.person_id);
      if (!port || !person) continue;
      const t = translator(localeOf(person, this.deps.defaultLocale));
      try {
        const overview = typeof ref.overview === 'number' && this.deps.overview && person.individu_id !== null ? ref.overview : undefined;
        const view =
          overview !== undefined
            ? (await (this.deps.overview as OverviewService).of({ individuId: person.individu_id as number, name: String(ref.name ?? ''), t }, overview)).view
            : this.draw(state, t, typeof ref.page === 'number' ? ref.page : 0, ref.hours === true);
        await port.updateMessage(person, ref, view);
      } catch (error) {
        if (error instanceof ChatDeliveryError && error.kind === 'gone') {
          await store.prompts.forgetMessage(message.id);
          continue;
        }
        // The answers are in the store (and soon in Ocean): a message not redrawn is cosmetic.
        this.deps.logger?.warn(
          { promptId, platform: ref.platform, err: error instanceof Error ? error.message : String(error) },
          'could not redraw a message showing a prompt',
        );
      }
    }
  }

  /** The messages showing a driver's prompts of days still open, read before an erasure takes them away. */
  async ofOpenDays(individuId: number): Promise<ShownPrompt[]> {
    const { store, window } = this.deps;
    const found = new Map<string, ShownPrompt>();
    for (const prompt of await store.prompts.recent(individuId, window.firstOpenDay())) {
      if (!window.isOpen(prompt.day)) continue;
      for (const message of await store.prompts.messages(prompt.id)) {
        const person = message.person_id === null ? undefined : await store.people.byId(message.person_id);
        if (person && !found.has(message.ref_key)) found.set(message.ref_key, { person, ref: message.ref as MessageRef, day: prompt.day });
      }
    }
    return [...found.values()];
  }

  /**
   * Draws messages that showed a driver's open days as closed, without buttons, saying why: a
   * manager had the bot erase the driver's data. Returns how many were drawn.
   */
  async drawErased(shown: ShownPrompt[]): Promise<number> {
    let drawn = 0;
    for (const { person, ref, day } of shown) {
      const port = this.deps.ports.get(ref.platform);
      if (!port) continue;
      const t = translator(localeOf(person, this.deps.defaultLocale));
      const title = typeof ref.overview === 'number' ? t.t('overview.title') : t.t('prompt.title', { day: t.longDay(day, this.deps.zone) });
      try {
        await port.updateMessage(person, ref, { summary: title, title, blocks: [{ type: 'text', text: t.t('forget.promptClosed'), tone: 'warning' }] });
        drawn += 1;
      } catch (error) {
        this.deps.logger?.warn(
          { platform: ref.platform, err: error instanceof Error ? error.message : String(error) },
          'could not close a message of an erased driver',
        );
      }
    }
    return drawn;
  }

  /**
   * Redraws the prompts of a day that has just closed and still had trips without an answer:
   * their buttons go, and the messages say the trips stay as Ocean has them.
   */
  async redrawClosed(day: string): Promise<number> {
    const { store } = this.deps;
    if (this.deps.window.isOpen(day)) return 0;
    let redrawn = 0;
    for (const prompt of await store.prompts.forDay(day)) {
      if (prompt.status !== 'sent') continue;
      const answered = new Set((await store.answers.latest(prompt.id)).map((a) => a.trip_id));
      if (promptTrips(prompt).asked.every((trip) => answered.has(trip.id))) continue;
      await this.redraw(prompt.id);
      redrawn += 1;
    }
    return redrawn;
  }
}
