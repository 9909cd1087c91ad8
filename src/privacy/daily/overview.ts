import type { Clock } from '../../clock';
import type { Translator } from '../../i18n';
import { localDay } from '../../ocean/dates';
import type { DailyPromptRow, PromptWithAnswers, Store, TripAnswerRow } from '../../store';
import { encodeAnswer, encodeOverviewDays, encodePage } from '../../views/payloads';
import { ACTION_IDS, type Block, type ButtonAction, type View } from '../../views/views';
import { promptTrips, type Trip } from '../trips';
import type { AnswerWindow } from './answer-window';
import { shownDistances } from './day-distances';
import { suggestionReason, tripLine } from './prompt-view';
import type { Suggestion } from './suggestion-rule';
import type { Suggestions } from './suggestions';

/** Prompts of this many past days count as pending in `/privacy`. */
const PENDING_DAYS = 14;
/** Open days shown at once in the overview, the one closing soonest first. */
export const MAX_DAYS_SHOWN = 3;
/** Unanswered trips of a day shown in the overview; the rest are one click away (the day's prompt). */
export const MAX_TRIPS_PER_DAY_SHOWN = 4;

/** Whose overview: the driver's Ocean record, the name they are greeted with, their language. */
export interface OverviewSubject {
  individuId: number;
  name: string;
  t: Translator;
}

export interface Overview {
  /** One message: the greeting, what is pending and reached Ocean, the open days with their buttons. */
  view: View;
  /** The prompts whose trips the view shows (its buttons answer them): redrawn with them. */
  promptIds: number[];
}

interface OpenDay {
  prompt: DailyPromptRow;
  answers: TripAnswerRow[];
  unanswered: number;
}

export interface OverviewDeps {
  store: Store;
  clock: Clock;
  window: AnswerWindow;
  suggestions: Suggestions;
  zone: string;
}

/**
 * `/privacy`: where a driver stands, from the store alone, in one message. The open days come
 * the one closing soonest first (its deadline is nearest), a few at a time with their trips still
 * without an answer; the buttons answer the same stored prompts as the daily messages, so every
 * message showing a day is redrawn when one of them is clicked.
 */
export class OverviewService {
  constructor(private readonly deps: OverviewDeps) {}

  /** The first day whose prompts count: read with who is asking by a `/privacy` (PeopleService.identifyClaiming), passed to `of`. */
  since(): string {
    return new Date(this.deps.clock.now().getTime() - PENDING_DAYS * 86_400_000).toISOString().slice(0, 10);
  }

  /** The overview from `offset` (an open day's rank); `read`: the subject's prompts since `since()`, when already read. */
  async of(subject: OverviewSubject, offset = 0, read?: readonly PromptWithAnswers[]): Promise<Overview> {
    const { store, window } = this.deps;
    const t = subject.t;
    let open = 0;
    let delivered = 0;
    let inFlight = 0;
    const days: OpenDay[] = [];
    // The prompts with their answers, in one statement (none when read already).
    for (const { prompt, answers } of read ?? (await store.prompts.recentWithAnswers(subject.individuId, this.since()))) {
      delivered += answers.filter((a) => a.status === 'delivered').length;
      inFlight += answers.filter((a) => a.status === 'pending').length;
      // A closed day can no longer be answered: it is not pending any more.
      if (!window.isOpen(prompt.day)) continue;
      const answered = new Set(answers.map((a) => a.trip_id));
      const unanswered = promptTrips(prompt).asked.filter((trip) => !answered.has(trip.id)).length;
      if (unanswered > 0) days.push({ prompt, answers, unanswered });
      open += unanswered;
    }
    // The day that closes soonest is the oldest: it comes first.
    days.sort((a, b) => a.prompt.day.localeCompare(b.prompt.day));
    const first = Math.min(Math.max(0, offset), Math.max(0, days.length - 1));
    const shown = days.slice(first, first + MAX_DAYS_SHOWN);
    const blocks: Block[] = [
      { type: 'text', text: t.t('overview.greeting', { name: subject.name }) },
      {
        type: 'heading',
        text: open ? t.t('overview.pendingOnDays', { count: open, days: t.t('overview.days', { count: days.length }) }) : t.t('overview.nothingPending'),
      },
      { type: 'text', text: t.t('overview.todayStatus', { delivered, pending: inFlight }), tone: 'muted' },
    ];
    // The suggestions of every day shown, for the trips listed, in one read of the driver's history.
    const suggestions = await this.deps.suggestions.toShowMany(shown.map(({ prompt, answers }) => ({ prompt, answers, trips: listedTrips(prompt, answers) })));
    for (const day of shown) blocks.push(...this.day(day, t, first, suggestions.get(day.prompt.id) ?? new Map()));
    const after = days.length - first - shown.length;
    const nav: ButtonAction[] = [];
    if (after > 0) {
      blocks.push({ type: 'text', text: t.t('overview.moreDays', { count: after }), tone: 'muted' });
      nav.push({ actionId: ACTION_IDS.overviewDays, label: t.t('overview.showMoreDays', { count: after }), value: encodeOverviewDays(first + shown.length) });
    }
    if (first > 0) nav.push({ actionId: ACTION_IDS.overviewDays, label: t.t('overview.showUrgent'), value: encodeOverviewDays(0) });
    nav.push({ actionId: ACTION_IDS.showSchedule, label: t.t('overview.editHours'), value: 'show' });
    blocks.push({ type: 'actions', actions: nav });
    return { view: { summary: t.t('overview.title'), title: t.t('overview.title'), blocks }, promptIds: shown.map((d) => d.prompt.id) };
  }

  /** One open day: its deadline, its first trips still without an answer, and the day's buttons. */
  private day({ prompt, answers, unanswered }: OpenDay, t: Translator, offset: number, suggestions: Map<number, Suggestion>): Block[] {
    const { zone, window } = this.deps;
    const { asked } = promptTrips(prompt);
    const distances = shownDistances(asked.map((trip) => trip.distanceMeter));
    const lastDay = window.lastDay(prompt.day) <= localDay(this.deps.clock.now(), zone);
    const blocks: Block[] = [
      { type: 'heading', text: t.t('overview.dayTitle', { day: t.longDay(prompt.day, zone), count: unanswered }) },
      {
        type: 'text',
        text: t.t(lastDay ? 'overview.lastDay' : 'prompt.deadline', { until: t.longDay(window.lastDay(prompt.day), zone) }),
        tone: lastDay ? 'warning' : 'muted',
      },
    ];
    // The same trips the suggestions were read for.
    const listedIds = new Set(listedTrips(prompt, answers).map((trip) => trip.id));
    const listed = listedIds.size;
    asked.forEach((trip, index) => {
      if (!listedIds.has(trip.id)) return;
      const suggestion = suggestions.get(trip.id);
      blocks.push({
        type: 'item',
        text: tripLine(trip, distances[index] ?? trip.distanceMeter, t, zone),
        ...(suggestion ? { status: t.t('prompt.suggestion', { reason: suggestionReason(suggestion, t) }), tone: 'muted' as const } : {}),
        actions: (['private', 'professional'] as const).map((choice) => ({
          actionId: ACTION_IDS.answer,
          label: t.t(choice === 'private' ? 'common.private' : 'common.professional'),
          value: encodeAnswer({ promptId: prompt.id, trip: index, choice, overview: offset }),
        })),
      });
    });
    const actions: ButtonAction[] = [];
    if (unanswered > listed) {
      blocks.push({ type: 'text', text: t.t('overview.moreTrips', { count: unanswered - listed }), tone: 'muted' });
      actions.push({ actionId: ACTION_IDS.page, label: t.t('overview.showDay'), value: encodePage(prompt.id, 0) });
    }
    if (unanswered > 1)
      actions.push(
        {
          actionId: ACTION_IDS.answer,
          label: t.t('prompt.allProfessional'),
          value: encodeAnswer({ promptId: prompt.id, trip: 'all', choice: 'professional', overview: offset }),
        },
        {
          actionId: ACTION_IDS.answer,
          label: t.t('prompt.allPrivate'),
          value: encodeAnswer({ promptId: prompt.id, trip: 'all', choice: 'private', overview: offset }),
        },
      );
    if (actions.length) blocks.push({ type: 'actions', actions });
    return blocks;
  }
}

/** The trips of a day the overview lists: its first MAX_TRIPS_PER_DAY_SHOWN still without an answer. */
function listedTrips(prompt: DailyPromptRow, answers: readonly TripAnswerRow[]): Trip[] {
  const answered = new Set(answers.map((a) => a.trip_id));
  return promptTrips(prompt)
    .asked.filter((trip) => !answered.has(trip.id))
    .slice(0, MAX_TRIPS_PER_DAY_SHOWN);
}
