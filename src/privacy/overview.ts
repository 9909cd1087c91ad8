import type { Clock } from '../clock';
import type { DailyPromptRow, Store, TripAnswerRow } from '../store';
import { ACTION_IDS, type Block, type View } from '../views/views';
import type { AnswerWindow } from './answer-window';
import type { Actor } from './people';
import { promptTrips } from './trip';

/** Prompts of this many past days count as pending in `/privacy`. */
const PENDING_DAYS = 14;
/** At most this many pending days are shown again, each as its own message. */
export const MAX_PROMPTS_SHOWN = 3;

export interface Overview {
  /** The greeting, what is pending, what reached Ocean, and the way to the private hours. */
  summary: View;
  /** The prompts still waiting for answers, newest first, with their latest answers, to show each in its own message. */
  pending: { prompt: DailyPromptRow; answers: TripAnswerRow[] }[];
}

/** `/privacy`: where a driver stands, from the store alone. */
export class OverviewService {
  constructor(private readonly deps: { store: Store; clock: Clock; window: AnswerWindow }) {}

  async of(actor: Actor): Promise<Overview> {
    const { store } = this.deps;
    const t = actor.t;
    const since = new Date(this.deps.clock.now().getTime() - PENDING_DAYS * 86_400_000).toISOString().slice(0, 10);
    let open = 0;
    let delivered = 0;
    let inFlight = 0;
    const pending: Overview['pending'] = [];
    // The prompts with their answers, in one statement.
    for (const { prompt, answers } of await store.prompts.recentWithAnswers(actor.individuId as number, since)) {
      delivered += answers.filter((a) => a.status === 'delivered').length;
      inFlight += answers.filter((a) => a.status === 'pending').length;
      // A closed day can no longer be answered: it is not pending any more.
      if (!this.deps.window.isOpen(prompt.day)) continue;
      const answered = new Set(answers.map((a) => a.trip_id));
      const unanswered = promptTrips(prompt).asked.filter((trip) => !answered.has(trip.id)).length;
      if (unanswered > 0 && pending.length < MAX_PROMPTS_SHOWN) pending.push({ prompt, answers });
      open += unanswered;
    }
    const name = actor.driver ? actor.driver.firstName : (actor.person.display_name ?? '');
    const blocks: Block[] = [
      { type: 'text', text: t.t('overview.greeting', { name }) },
      { type: 'heading', text: open ? t.t('overview.pendingTitle', { count: open }) : t.t('overview.nothingPending') },
      { type: 'text', text: t.t('overview.todayStatus', { delivered, pending: inFlight }), tone: 'muted' },
      { type: 'actions', actions: [{ actionId: ACTION_IDS.showSchedule, label: t.t('overview.editHours'), value: 'show' }] },
    ];
    return { summary: { summary: t.t('overview.title'), title: t.t('overview.title'), blocks }, pending };
  }
}
