import type { Clock } from '../clock';
import type { Translator } from '../i18n';
import type { AnswerService } from '../privacy/answers';
import type { Actor, PeopleService } from '../privacy/people';
import { promptTrips, promptView } from '../privacy/prompt-view';
import type { ReportService } from '../privacy/reports';
import type { ScheduleService } from '../privacy/schedules';
import type { Platform } from '../domain';
import type { Store } from '../store';
import { parseLine, parseSlash, type Command, type ParseResult, type Target } from './commands';
import { errorView } from './errors';
import { decodeAnswer, decodePage } from '../views/payloads';
import { ACTION_IDS, textView, type Block, type FormView, type View } from '../views/views';

export interface RouterDeps {
  store: Store;
  people: PeopleService;
  answers: AnswerService;
  reports: ReportService;
  schedules: ScheduleService;
  zone: string;
  clock: Clock;
  onError?: (error: unknown, context: string) => void;
}

/** The result of a button: update the message it sits in, answer the user apart, or open a form. */
export interface ActionOutcome {
  update?: View;
  reply?: View;
  form?: FormView;
}

/** The result of a form: field errors (shown in the form), or a view to show. */
export interface SubmitOutcome {
  errors?: Record<string, string>;
  done?: View;
}

/** Resolves a command target (a mention or an e-mail) to a stored person on the same platform. */
export type TargetResolver = (target: Target) => Promise<import('../store').Person | undefined>;

const COMMAND_NAMES: Record<Platform, { privacy: string; report: string }> = {
  slack: { privacy: '/privacy', report: '/privacy-report' },
  teams: { privacy: 'privacy', report: 'privacy-report' },
  web: { privacy: 'privacy', report: 'privacy-report' },
};

/**
 * One router for every platform: parses commands, checks who may do what, calls the business
 * rules and answers with platform-neutral views.
 */
export class ChatRouter {
  constructor(private readonly deps: RouterDeps) {}

  parseSlash(command: string, text: string): ParseResult {
    return parseSlash(command, text, { now: this.deps.clock.now(), zone: this.deps.zone });
  }

  parseLine(line: string): ParseResult {
    return parseLine(line, { now: this.deps.clock.now(), zone: this.deps.zone });
  }

  parseErrorView(result: Extract<ParseResult, { ok: false }>, t: Translator): View {
    return textView(t.t(result.error.key, result.error.params), 'error');
  }

  /**
   * What to show at once, before slow work: a refusal that needs no Ocean call, or "preparing…".
   * Undefined when the command is answered only by `run`.
   */
  acknowledge(actor: Actor, command: Command): View | undefined {
    const t = actor.t;
    if ((command.kind === 'report' || command.kind === 'link' || command.kind === 'unlink') && actor.role !== 'manager') {
      return textView(t.t('errors.managersOnly'), 'warning');
    }
    if (command.kind === 'schedule' && command.target && actor.role !== 'manager') return textView(t.t('errors.managersOnly'), 'warning');
    if (command.kind === 'report') return textView(t.t('report.preparing', { period: this.deps.reports.periodLabel(command.period, t) }), 'muted');
    return undefined;
  }

  /** Whether `acknowledge` already said all there is to say (a refusal). */
  refused(actor: Actor, command: Command): boolean {
    if (actor.role === 'manager') return false;
    return command.kind === 'report' || command.kind === 'link' || command.kind === 'unlink' || (command.kind === 'schedule' && command.target !== undefined);
  }

  async run(actor: Actor, command: Command, resolve: TargetResolver): Promise<View> {
    try {
      if (this.refused(actor, command)) return textView(actor.t.t('errors.managersOnly'), 'warning');
      switch (command.kind) {
        case 'help':
          return this.help(actor);
        case 'language':
          await this.deps.store.setPreferredLocale(actor.person.id, command.locale);
          return textView((await this.deps.people.actorFor({ ...actor.person, preferred_locale: command.locale }, actor.requestId)).t.t('language.set'), 'success');
        case 'overview':
          return this.guard(actor) ?? (await this.overview(actor));
        case 'schedule': {
          if (command.target) {
            const target = await resolve(command.target);
            if (!target) return textView(actor.t.t('errors.personNotFound', { who: describeTarget(command.target) }), 'error');
            const subject = await this.deps.people.actorFor(target, actor.requestId);
            if (subject.individuId === null) return textView(actor.t.t('errors.personNotFound', { who: describeTarget(command.target) }), 'error');
            return this.deps.schedules.view(actor, subject);
          }
          return this.guard(actor) ?? (await this.deps.schedules.view(actor, actor));
        }
        case 'report':
          return await this.deps.reports.report(actor, command.period, command.by);
        case 'link':
        case 'unlink': {
          const target = await resolve(command.target);
          if (!target) return textView(actor.t.t('errors.personNotFound', { who: describeTarget(command.target) }), 'error');
          if (command.kind === 'unlink') {
            await this.deps.people.unlink(actor, target);
            return textView(actor.t.t('link.undone', { who: target.display_name ?? describeTarget(command.target) }), 'success');
          }
          const driver = await this.deps.people.link(actor, target, command.who);
          if (!driver) return textView(actor.t.t('errors.individuNotFound', { who: command.who }), 'error');
          return textView(actor.t.t('link.done', { who: target.display_name ?? describeTarget(command.target), name: `${driver.firstName} ${driver.lastName}` }), 'success');
        }
      }
    } catch (error) {
      this.deps.onError?.(error, `command ${command.kind}`);
      return errorView(error, actor.t);
    }
  }

  /** A person the bot cannot link to Ocean is told why in one sentence, and whom to ask. */
  private guard(actor: Actor): View | undefined {
    if (actor.individuId !== null) return undefined;
    const email = actor.person.email;
    return textView(email ? actor.t.t('errors.notLinked', { email }) : actor.t.t('errors.noEmail'), 'warning');
  }

  help(actor: Actor): View {
    const t = actor.t;
    const names = COMMAND_NAMES[actor.person.platform];
    const params = { cmd: names.privacy, reportCmd: names.report };
    const lines = [t.t('help.privacy', params), t.t('help.schedule', params), t.t('help.report', params), t.t('help.periods'), t.t('help.language', params)];
    if (actor.role === 'manager') lines.push(t.t('help.link', params));
    return {
      summary: t.t('help.title'),
      title: t.t('help.title'),
      blocks: [
        { type: 'text', text: t.t('help.intro') },
        { type: 'text', text: t.t('help.daily') },
        { type: 'heading', text: t.t('help.commandsTitle') },
        { type: 'text', text: lines.map((l) => `• ${l}`).join('\n') },
        { type: 'text', text: t.t('help.privacyNote'), tone: 'muted' },
      ],
    };
  }

  /** `/privacy`: pending trips of the last days with their buttons, and the private hours. */
  async overview(actor: Actor): Promise<View> {
    const t = actor.t;
    const since = new Date(this.deps.clock.now().getTime() - 14 * 86_400_000).toISOString().slice(0, 10);
    const prompts = await this.deps.store.recentPrompts(actor.individuId as number, since);
    const blocks: Block[] = [];
    let pending = 0;
    let delivered = 0;
    let inFlight = 0;
    const pendingViews: View[] = [];
    for (const prompt of prompts) {
      const answers = await this.deps.store.latestAnswers(prompt.id);
      delivered += answers.filter((a) => a.status === 'delivered').length;
      inFlight += answers.filter((a) => a.status === 'pending').length;
      const answered = new Set(answers.map((a) => a.trip_id));
      const open = promptTrips(prompt).asked.filter((trip) => !answered.has(trip.id)).length;
      if (open > 0 && pendingViews.length < 3) pendingViews.push(promptView(prompt, answers, t, { zone: this.deps.zone }));
      pending += open;
    }
    const name = actor.driver ? actor.driver.firstName : (actor.person.display_name ?? '');
    blocks.push({ type: 'text', text: t.t('overview.greeting', { name }) });
    blocks.push({ type: 'heading', text: pending ? t.t('overview.pendingTitle', { count: pending }) : t.t('overview.nothingPending') });
    for (const view of pendingViews) {
      blocks.push({ type: 'heading', text: view.title ?? view.summary }, ...view.blocks.filter((b) => b.type !== 'text' || b.tone !== 'warning'));
    }
    blocks.push({ type: 'text', text: t.t('overview.todayStatus', { delivered, pending: inFlight }), tone: 'muted' });
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'actions', actions: [{ actionId: ACTION_IDS.showSchedule, label: t.t('overview.editHours'), value: 'show' }] });
    return { summary: t.t('overview.title'), title: t.t('overview.title'), blocks };
  }

  async action(actor: Actor, actionId: string, value: unknown): Promise<ActionOutcome> {
    const t = actor.t;
    try {
      switch (actionId) {
        case ACTION_IDS.answer: {
          const payload = decodeAnswer(value);
          if (!payload) return { reply: textView(t.t('errors.badButton'), 'error') };
          const outcome = await this.deps.answers.answer(actor, payload);
          if (!outcome.ok) return { reply: textView(t.t(`errors.${outcome.reason}`), outcome.reason === 'notYourPrompt' ? 'warning' : 'error') };
          return { update: outcome.view };
        }
        case ACTION_IDS.page: {
          const target = decodePage(value);
          if (!target) return { reply: textView(t.t('errors.badButton'), 'error') };
          const outcome = await this.deps.answers.page(actor, target.promptId, target.page);
          if (!outcome.ok) return { reply: textView(t.t(`errors.${outcome.reason}`), outcome.reason === 'notYourPrompt' ? 'warning' : 'error') };
          return { update: outcome.view };
        }
        case ACTION_IDS.showSchedule:
          return { reply: this.guard(actor) ?? (await this.deps.schedules.view(actor, actor)) };
        case ACTION_IDS.editSchedule:
        case ACTION_IDS.addPeriod:
        case ACTION_IDS.deletePeriod:
          return await this.deps.schedules.action(actor, actionId, value);
        default:
          return { reply: textView(t.t('errors.badButton'), 'error') };
      }
    } catch (error) {
      this.deps.onError?.(error, `action ${actionId}`);
      return { reply: errorView(error, t) };
    }
  }

  /** Field errors of a form, computed without Ocean (fast enough for Slack's 3 s). */
  validate(actor: Actor, formId: string, values: Record<string, unknown>): Record<string, string> | null {
    return this.deps.schedules.validate(actor, formId, values);
  }

  async submit(actor: Actor, formId: string, state: unknown, values: Record<string, unknown>): Promise<SubmitOutcome> {
    try {
      return await this.deps.schedules.submit(actor, formId, state, values);
    } catch (error) {
      this.deps.onError?.(error, `form ${formId}`);
      return { done: errorView(error, actor.t) };
    }
  }
}

function describeTarget(target: Target): string {
  return target.kind === 'email' ? target.email : `<@${target.userId}>`;
}
