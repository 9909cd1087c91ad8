import type { Clock } from '../clock';
import type { Locale, Platform } from '../domain';
import { type Translator, translator } from '../i18n';
import type { Log } from '../log';
import type { AnswerService, AnswerWindow, OverviewService, OverviewSubject, PromptMessages, RecordedClick } from '../privacy/daily';
import { pageOfTrip } from '../privacy/daily';
import { privateModeOff } from '../privacy/directory';
import type { LinkService } from '../privacy/people';
import { type Actor, type ChatRequest, localeOf, type PeopleService } from '../privacy/people';
import type { MessageRef } from '../privacy/ports';
import { noteReached, type Reach } from '../privacy/reach';
import type { NonResponders, OwnFigures, ReportService } from '../privacy/report';
import type { RetentionService } from '../privacy/retention';
import type { ScheduleService } from '../privacy/schedule';
import type { ManagerScopes, Scope, UnitRef } from '../privacy/scope';
import type { DailyPromptRow, Person, PromptWithAnswers, Store } from '../store';
import {
  type AnswerPayload,
  decodeAcceptSuggestions,
  decodeAnswer,
  decodeForget,
  decodeOverviewDays,
  decodePage,
  encodeAnswer,
  encodeForget,
} from '../views/payloads';
import { ACTION_IDS, type ActionOutcome, type SubmitOutcome, textView, type View } from '../views/views';

export type { ActionOutcome, SubmitOutcome };

import { type Command, type CommandError, isManagerCommand, parseLine, parseSlash, type Target } from './commands';
import { DigestCommands } from './digest-commands';
import { errorView } from './errors';

export interface RouterDeps {
  store: Store;
  people: PeopleService;
  answers: AnswerService;
  links: LinkService;
  overview: OverviewService;
  messages: PromptMessages;
  reports: ReportService;
  /** A driver's own figures (`privacy me`). */
  own: OwnFigures;
  /** Who manages what; the entities and groups a report is narrowed to. */
  scopes: ManagerScopes;
  nonResponders: NonResponders;
  /** The drivers the bot cannot reach (listed apart among the non-responders). */
  reach?: Reach;
  schedules: ScheduleService;
  retention: RetentionService;
  zone: string;
  clock: Clock;
  /** Until when a day's trips can be answered. */
  window: AnswerWindow;
  /** Whether the weekly digest is on (WEEKLY_REPORT_CRON not off). */
  weeklyDigest: boolean;
  defaultLocale: Locale;
  logger?: Log;
  /** Answers were just recorded: start delivering them. */
  onAnswersRecorded?: () => void;
  /** Whether a person the app was installed for gets one welcome (TEAMS_INSTALL_WELCOME; default once). */
  installWelcome?: 'once' | 'off';
}

/**
 * Shows one view to the person who typed a command, in order; returns where it was shown when
 * the platform can edit that message later (so a prompt shown again stays current).
 */
// A platform that cannot point back at what it showed returns nothing.
// biome-ignore lint/suspicious/noConfusingVoidType: some adapters' show functions return Promise<void>
export type Show = (view: View, about?: { promptId: number }) => Promise<MessageRef | void>;

/** Where a button was clicked, when the platform can edit that message later. */
export interface ClickContext {
  message?: MessageRef;
  /** How long that message stays editable (a Slack response_url: 30 minutes). */
  messageTtlMs?: number;
}

/** A click: what had to be written is written; `finish` does the rest, after the acknowledgement. */
export interface Click {
  finish(show: (outcome: ActionOutcome) => Promise<void>): Promise<void>;
}

/** Commands whose effect is written with the key of their request (see `typed`). */
const CHANGES = new Set<Command['kind']>(['language', 'suggestions', 'link', 'unlink', 'reportChannel']);
/** What the bot takes in a channel, where everyone reads its answers: nobody's trips or hours. */
const IN_CHANNELS = new Set<Command['kind']>(['reportChannel', 'help', 'smallTalk']);

const COMMAND_NAMES: Record<Platform, { cmd: string; reportCmd: string }> = {
  slack: { cmd: '/privacy', reportCmd: '/privacy-report' },
  teams: { cmd: 'privacy', reportCmd: 'privacy-report' },
  web: { cmd: 'privacy', reportCmd: 'privacy-report' },
};

/**
 * The core's three doors, the same for every platform: someone typed a line, clicked a button,
 * or submitted a form. Each checks who may do what, calls the business rules and says what to
 * show, as platform-neutral views. Adapters verify, parse, acknowledge, hand off and render.
 */
export class ChatRouter {
  private readonly digest: DigestCommands;

  constructor(private readonly deps: RouterDeps) {
    this.digest = new DigestCommands(deps);
  }

  /** Someone typed a command (Slack gives the command apart, other platforms one line). */
  async typed(request: ChatRequest, input: { command?: string; text: string }, show: Show): Promise<void> {
    const context = { now: this.deps.clock.now(), zone: this.deps.zone };
    const parsed = input.command === undefined ? parseLine(input.text, context) : parseSlash(input.command, input.text, context);
    // A command that changes something writes its request's key with its effect; any other is
    // claimed with the first read of who is asking, so that a replay does not run it again either.
    const claimNow = parsed.ok && !CHANGES.has(parsed.command.kind) ? request.requestKey : undefined;
    // The overview's prompts are read with who is asking: a `/privacy` is one statement before its suggestions.
    const overview = parsed.ok && parsed.command.kind === 'overview';
    const { actor, claimed, prompts } = await this.deps.people.identifyClaiming(request, claimNow, overview ? this.deps.overview.since() : undefined);
    if (!claimed) return this.replayed(request, `command ${parsed.ok ? parsed.command.kind : 'unknown'}`);
    const t = actor.t;
    if (actor.role !== 'manager' && isManagerCommand(input.command, input.text)) return void (await show(textView(t.t('errors.managersOnly'), 'warning')));
    // A line the bot does not understand is not an error of the user's: say so, and what it understands.
    if (!parsed.ok && parsed.error.key === 'errors.unknownCommand')
      return void (await show(this.help(actor, t.t('smallTalk.notUnderstood', { input: String(parsed.error.params.input ?? '') }))));
    if (!parsed.ok) return void (await show(this.parseError(parsed.error, actor)));
    // A scoped manager whose entities and groups Ocean could not name yet sees nobody: told so.
    if (actor.scope?.unresolved && isManagerCommand(input.command, input.text)) return void (await show(textView(t.t('errors.scopeUnavailable'), 'warning')));
    if (request.channel && !IN_CHANNELS.has(parsed.command.kind))
      return void (await show(textView(t.t('reportChannel.onlyHere', COMMAND_NAMES[actor.person.platform]), 'warning')));
    try {
      await this.run(actor, request, parsed.command, show, prompts);
    } catch (error) {
      this.failed(error, `command ${parsed.command.kind}`, request);
      await show(errorView(error, t));
    }
  }

  /**
   * Someone clicked a button. An answer is written to the store now, before the platform gets
   * its acknowledgement, asking nothing but the store; everything else waits for `finish`.
   */
  async clicked(request: ChatRequest, actionId: string, value: string, context: ClickContext = {}): Promise<Click> {
    if (actionId === ACTION_IDS.answer || actionId === ACTION_IDS.acceptSuggestions) return this.answerClick(request, actionId, value, context);
    return {
      finish: async (show) => {
        const actor = await this.deps.people.identify(request);
        await show(await this.action(actor, request, actionId, value, context));
      },
    };
  }

  /**
   * A form checked from the store alone, fast enough for the acknowledgement of a Slack modal:
   * its field errors, or what to show while it is being saved (and the label to close it).
   */
  async checkForm(
    request: ChatRequest,
    formId: string,
    values: Record<string, unknown>,
  ): Promise<{ errors: Record<string, string> } | { saving: View; close: string }> {
    const t = await this.deps.store.urgently(() => this.deps.people.translatorFor(request));
    const errors = this.deps.schedules.validate(t, formId, values);
    return errors ? { errors } : { saving: textView(t.t('common.saving'), 'muted'), close: t.t('schedule.cancel') };
  }

  /** Someone is met: known to the store and linked to Ocean when their e-mail says who they are. */
  async met(request: ChatRequest): Promise<void> {
    await this.deps.people.identify(request);
  }

  /**
   * A platform told us how to reach this person later (a Teams conversation): it is kept. With
   * `greet`, the welcome to show when it is the first time we meet.
   */
  async reachable(request: ChatRequest, reference: unknown, greet: boolean): Promise<View | undefined> {
    const person = (await this.deps.people.known(request)) ?? (await this.deps.people.identify(request)).person;
    const known = await this.deps.store.conversations.of(person.id);
    if (!known?.active || JSON.stringify(known.reference) !== JSON.stringify(reference)) {
      await this.deps.store.conversations.save(person.id, reference);
      if (person.individu_id !== null) await noteReached(this.deps.store, person.individu_id);
    }
    // One welcome per person, taken in the store: Teams announces one install with two
    // activities (sometimes twice each), an administrator's install reaches hundreds at once, and
    // someone who wrote to the bot first needs none.
    const first = await this.deps.store.reach.claimWelcome(person.id);
    if (!greet || !first || this.deps.installWelcome === 'off') return undefined;
    return this.welcome(request);
  }

  /** The first message of a conversation: what the bot does, and what to try first for the person's role. */
  async welcome(request: ChatRequest): Promise<View> {
    const actor = await this.deps.people.identify(request);
    const t = actor.t;
    const names = COMMAND_NAMES[actor.person.platform];
    return {
      summary: t.t('welcome.title'),
      title: t.t('welcome.title'),
      blocks: [
        { type: 'text', text: t.t('welcome.text') },
        { type: 'text', text: t.t(actor.role === 'manager' ? 'welcome.tryManager' : 'welcome.tryDriver', names) },
      ],
    };
  }

  /** A platform's home tab (Slack's App Home): where the driver stands, pending days and private hours. */
  async home(request: ChatRequest): Promise<View> {
    const actor = await this.deps.people.identify(request);
    const unlinked = this.cannotAnswer(actor);
    if (unlinked) return unlinked;
    const { view } = await this.deps.overview.of(this.overviewSubject(actor));
    const hours = await this.deps.schedules.view(actor, actor).catch((error: unknown) => errorView(error, actor.t));
    return {
      summary: view.summary,
      title: view.title,
      blocks: [
        ...view.blocks.filter((b) => !(b.type === 'actions' && b.actions.some((a) => a.actionId === ACTION_IDS.showSchedule))),
        { type: 'divider' },
        ...(hours.title ? [{ type: 'heading' as const, text: hours.title }] : []),
        ...hours.blocks,
      ],
    };
  }

  /** Someone submitted a form: checked again, then saved (each request once). */
  async submitted(request: ChatRequest, formId: string, state: unknown, values: Record<string, unknown>): Promise<SubmitOutcome> {
    const actor = await this.deps.people.identify(request);
    try {
      const errors = this.deps.schedules.validate(actor.t, formId, values);
      if (errors) return { errors, form: this.deps.schedules.formAgain(actor, formId, values, errors) };
      if (!(await this.deps.store.claim(request.requestKey))) {
        this.replayed(request, `form ${formId}`);
        return {};
      }
      return await this.deps.schedules.submit(actor, formId, state, values);
    } catch (error) {
      this.failed(error, `form ${formId}`, request);
      return { done: errorView(error, actor.t) };
    }
  }

  /** `prompts`: the actor's prompts for the overview, read with who is asking. */
  private async run(actor: Actor, request: ChatRequest, command: Command, show: Show, prompts?: readonly PromptWithAnswers[]): Promise<void> {
    const t = actor.t;
    switch (command.kind) {
      case 'help':
        return void (await show(this.help(actor)));
      case 'smallTalk': {
        const name = actor.driver?.firstName ?? actor.person.display_name?.split(' ')[0] ?? '';
        return void (await show(this.help(actor, t.t(command.mood === 'greeting' ? 'smallTalk.greeting' : 'smallTalk.thanks', { name }))));
      }
      case 'language': {
        const changed = await this.deps.store.once(request.requestKey, (tx) => tx.people.setPreferredLocale(actor.person.id, command.locale));
        if (changed) await show(textView(translator(command.locale).t('language.set'), 'success'));
        return;
      }
      case 'suggestions': {
        if (command.on === undefined) {
          const on = actor.individuId === null ? actor.person.suggestions : await this.deps.store.history.on(actor.individuId);
          return void (await show(textView(t.t(on ? 'suggestions.isOn' : 'suggestions.isOff', COMMAND_NAMES[actor.person.platform]), 'normal')));
        }
        const on = command.on;
        // On every chat account of the driver: their Slack and Teams prompts agree.
        const changed = await this.deps.store.once(request.requestKey, (tx) =>
          tx.history.set({ individuId: actor.person.individu_id, personId: actor.person.id }, on),
        );
        if (changed) await show(textView(t.t(on ? 'suggestions.on' : 'suggestions.off', COMMAND_NAMES[actor.person.platform]), 'success'));
        else this.replayed(request, 'command suggestions');
        return;
      }
      case 'overview': {
        const unlinked = this.cannotAnswer(actor);
        if (unlinked) return void (await show(unlinked));
        // One message with the open days; its buttons answer the same prompts as the daily messages.
        const { view, promptIds } = await this.deps.overview.of(this.overviewSubject(actor), 0, prompts);
        const shown = await show(view);
        if (shown) await this.deps.messages.rememberOverview(promptIds, actor.person.id, this.overviewSubject(actor).name, shown, 0);
        return;
      }
      case 'schedule': {
        if (!command.target) return void (await show(this.cannotAnswer(actor) ?? (await this.deps.schedules.view(actor, actor))));
        const subject = await this.subject(actor, request, command.target);
        if ('error' in subject) return void (await show(subject.error));
        const other = await this.deps.people.actorFor(subject.person, actor.requestId);
        if (other.individuId === null) return void (await show(textView(t.t('errors.personNotFound', { who: describe(command.target) }), 'error')));
        if (!(await this.deps.scopes.holds(actor.scope, other.individuId)))
          return void (await show(this.outsideScope(actor, subject.person.display_name ?? describe(command.target))));
        return void (await show(await this.deps.schedules.view(actor, other)));
      }
      case 'report': {
        const scope = await this.reportScope(actor, command.narrow);
        if ('error' in scope) return void (await show(scope.error));
        await show(textView(t.t('report.preparing', { period: this.deps.reports.periodLabel(command.period, t) }), 'muted'));
        return void (await show(await this.deps.reports.report(actor, command.period, command.by, scope.scope)));
      }
      case 'own': {
        const unlinked = this.cannotAnswer(actor);
        if (unlinked) return void (await show(unlinked));
        await show(textView(t.t('report.preparing', { period: this.deps.reports.periodLabel(command.period, t) }), 'muted'));
        return void (await show(await this.deps.own.view(actor, command.period)));
      }
      case 'unanswered':
        return void (await show(await this.digest.unanswered(actor, command.period, COMMAND_NAMES[actor.person.platform].cmd)));
      case 'reportChannel': {
        const view = await this.digest.reportChannel(actor, request, command.on, COMMAND_NAMES[actor.person.platform]);
        if (view === 'replayed') return this.replayed(request, 'command reportChannel');
        return void (await show(view));
      }
      case 'link':
      case 'unlink': {
        const subject = await this.subject(actor, request, command.target);
        if ('error' in subject) return void (await show(subject.error));
        const who = subject.person.display_name ?? describe(command.target);
        const outcome =
          command.kind === 'link'
            ? await this.deps.links.link(actor, subject.person, command.who, request.requestKey)
            : await this.deps.links.unlink(actor, subject.person, request.requestKey);
        if (!outcome.ok) {
          if (outcome.reason === 'replayed') return this.replayed(request, `command ${command.kind}`);
          if (outcome.reason === 'outsideScope')
            return void (await show(this.outsideScope(actor, command.kind === 'link' && outcome.driver ? command.who : who)));
          return void (await show(textView(t.t(`errors.${outcome.reason}`, { who: command.kind === 'link' ? command.who : who, name: who }), 'error')));
        }
        const name = outcome.driver ? `${outcome.driver.firstName} ${outcome.driver.lastName}`.trim() : '';
        return void (await show(textView(t.t(command.kind === 'link' ? 'link.done' : 'link.undone', { who, name }), 'success')));
      }
      case 'forget': {
        // Erasing cannot be undone: the manager is first told whom and what, and confirms with a button.
        const subject = await this.subject(actor, request, command.target);
        if ('error' in subject) return void (await show(subject.error));
        if (subject.person.id === actor.person.id) return void (await show(textView(t.t('errors.forgetSelf'), 'error')));
        if (!(await this.deps.scopes.holds(actor.scope, subject.person.individu_id)))
          return void (await show(this.outsideScope(actor, subject.person.display_name ?? describe(command.target))));
        return void (await show(await this.forgetConfirmation(actor, subject.person)));
      }
    }
  }

  /**
   * An answer (one trip, the whole day) or "accept suggestions" (every suggested trip of a page,
   * worked out from the store again): written before the acknowledgement, asking only the store.
   */
  private async answerClick(request: ChatRequest, actionId: string, value: string, context: ClickContext): Promise<Click> {
    let person: Person | undefined;
    let recorded: RecordedClick | { ok: false; reason: 'failed'; error: unknown };
    const accept = actionId === ACTION_IDS.acceptSuggestions ? decodeAcceptSuggestions(value) : undefined;
    const payload = accept ? undefined : decodeAnswer(value);
    const clickedPage = accept ? accept.page : payload && typeof payload.trip === 'number' ? pageOfTrip(payload.trip) : 0;
    try {
      [person, recorded] = await this.deps.store.urgently(async () => {
        const known = await this.deps.people.known(request);
        if (accept) return [known, await this.deps.answers.acceptSuggestions(known, accept, request.requestKey)] as const;
        return [
          known,
          payload ? await this.deps.answers.record(known, payload, request.requestKey) : { ok: false, reason: 'badButton', person: known },
        ] as const;
      });
    } catch (error) {
      recorded = { ok: false, reason: 'failed', error };
    }
    return {
      // The driver watches the message they clicked: its redraw and the delivery it kicks go before commands' reads for a connection.
      finish: (show) => this.deps.store.soon(() => this.finishAnswer(request, person, recorded, payload, clickedPage, context, show)),
    };
  }

  /** After a click's acknowledgement: what it changed, drawn where it was clicked and everywhere else the day shows. */
  private async finishAnswer(
    request: ChatRequest,
    person: Person | undefined,
    recorded: RecordedClick | { ok: false; reason: 'failed'; error: unknown },
    payload: AnswerPayload | undefined,
    clickedPage: number,
    context: ClickContext,
    show: (outcome: ActionOutcome) => Promise<void>,
  ): Promise<void> {
    const t = translator(person ? localeOf(person, this.deps.defaultLocale) : this.deps.defaultLocale);
    if (!recorded.ok) {
      if (recorded.reason === 'replayed') return this.replayed(request, 'answer');
      if (recorded.reason === 'failed') {
        this.failed(recorded.error, 'answer', request);
        return show({ reply: textView(t.t('errors.notSaved'), 'error') });
      }
      if (recorded.reason === 'closed' && payload?.overview !== undefined) {
        const { zone, window } = this.deps;
        const day = { day: t.longDay(recorded.prompt.day, zone), until: t.longDay(window.lastDay(recorded.prompt.day), zone) };
        await show({
          update: await this.overviewAgain(request, recorded.person, payload.overview, context),
          reply: textView(t.t('errors.dayClosed', day), 'warning'),
        });
        return this.deps.messages.redraw(recorded.prompt.id, context.message);
      }
      if (recorded.reason === 'closed') return this.closedDay(recorded.prompt, t, clickedPage, context, show);
      if (recorded.reason === 'noSuggestion')
        return show({ update: await this.deps.answers.view(recorded.prompt, t, recorded.page), reply: textView(t.t('prompt.noSuggestion'), 'muted') });
      return show({ reply: textView(t.t(`errors.${recorded.reason}`), recorded.reason === 'notYourPrompt' ? 'warning' : 'error') });
    }
    const { prompt, page } = recorded;
    const kept = recorded.kept && payload ? { reply: this.keptView(prompt, payload, recorded.kept, t) } : {};
    if (payload?.overview !== undefined) {
      // Clicked in the overview: it is drawn again (a day answered leaves it), the day's other messages follow.
      await show({ update: await this.overviewAgain(request, recorded.person, payload.overview, context), ...kept });
      await this.deps.messages.redraw(prompt.id, context.message);
      this.deps.onAnswersRecorded?.();
      return;
    }
    const here = context.message && { ...context.message, page };
    if (here) await this.deps.messages.remember(prompt.id, recorded.person.id, here, context.messageTtlMs);
    // Read once: the message clicked and every other showing the day are drawn from it.
    const state = await this.deps.messages.state(prompt.id);
    await show({ update: state ? this.deps.messages.draw(state, t, page) : await this.deps.answers.view(prompt, t, page), ...kept });
    await this.deps.messages.redraw(prompt.id, here, state);
    this.deps.onAnswersRecorded?.();
  }

  /** After a day's button: trips answered otherwise were kept, said so, with a button to change them too. */
  private keptView(prompt: DailyPromptRow, payload: AnswerPayload, kept: number, t: Translator): View {
    const choice = t.t(payload.choice === 'private' ? 'prompt.suggestedPrivate' : 'prompt.suggestedProfessional');
    const text = t.t('prompt.keptOthers', { count: kept, choice });
    return {
      summary: text,
      blocks: [
        { type: 'text', text, tone: 'muted' },
        {
          type: 'actions',
          actions: [
            {
              actionId: ACTION_IDS.answer,
              label: t.t('prompt.changeKept', { count: kept, choice }),
              value: encodeAnswer({ promptId: prompt.id, trip: 'every', choice: payload.choice }),
            },
          ],
        },
      ],
    };
  }

  /**
   * A click after the day's deadline: refused politely, and the message clicked (with every
   * other showing the day) is drawn again as closed, without its buttons.
   */
  private async closedDay(
    prompt: DailyPromptRow,
    t: Translator,
    page: number,
    context: ClickContext,
    show: (outcome: ActionOutcome) => Promise<void>,
  ): Promise<void> {
    const { zone, window } = this.deps;
    const refusal = textView(t.t('errors.dayClosed', { day: t.longDay(prompt.day, zone), until: t.longDay(window.lastDay(prompt.day), zone) }), 'warning');
    await show({ update: await this.deps.answers.view(prompt, t, page), reply: refusal });
    await this.deps.messages.redraw(prompt.id, context.message && { ...context.message, page });
  }

  private async action(actor: Actor, request: ChatRequest, actionId: string, value: string, context: ClickContext): Promise<ActionOutcome> {
    const t = actor.t;
    try {
      switch (actionId) {
        case ACTION_IDS.page: {
          const target = decodePage(value);
          if (!target) return { reply: textView(t.t('errors.badButton'), 'error') };
          const outcome = await this.deps.answers.page(actor.person, target.promptId, target.page, t, target.hours);
          if (!outcome.ok) return { reply: textView(t.t(`errors.${outcome.reason}`), outcome.reason === 'notYourPrompt' ? 'warning' : 'error') };
          if (context.message)
            await this.deps.messages.remember(
              outcome.prompt.id,
              actor.person.id,
              { ...context.message, page: target.page, ...(target.hours ? { hours: true } : {}) },
              context.messageTtlMs,
            );
          return { update: outcome.view };
        }
        case ACTION_IDS.overviewDays: {
          const offset = decodeOverviewDays(value);
          if (offset === undefined) return { reply: textView(t.t('errors.badButton'), 'error') };
          const unlinked = this.cannotAnswer(actor);
          if (unlinked) return { reply: unlinked };
          const subject = this.overviewSubject(actor);
          const drawn = await this.deps.overview.of(subject, offset);
          if (context.message)
            await this.deps.messages.rememberOverview(drawn.promptIds, actor.person.id, subject.name, context.message, offset, context.messageTtlMs);
          return { update: drawn.view };
        }
        case ACTION_IDS.forgetConfirm:
          return await this.forgetConfirmed(actor, request, value);
        case ACTION_IDS.forgetCancel:
          return { update: textView(t.t('forget.cancelled'), 'muted') };
        case ACTION_IDS.remind: {
          const outcome = await this.digest.remind(actor, request, value);
          if (outcome !== 'replayed') return outcome;
          this.replayed(request, 'action remind');
          return {};
        }
        case ACTION_IDS.showSchedule:
          return { reply: this.cannotAnswer(actor) ?? (await this.deps.schedules.view(actor, actor)) };
        case ACTION_IDS.editSchedule:
        case ACTION_IDS.addPeriod:
        case ACTION_IDS.deletePeriod:
        case ACTION_IDS.confirmDeletePeriod:
          return await this.deps.schedules.action(actor, actionId, value, request.requestKey);
        default:
          return { reply: textView(t.t('errors.badButton'), 'error') };
      }
    } catch (error) {
      this.failed(error, `action ${actionId}`, request);
      return { reply: errorView(error, t) };
    }
  }

  /** What `privacy forget` shows: whom and what would be erased, and a button naming them to confirm. */
  private async forgetConfirmation(actor: Actor, person: Person): Promise<View> {
    const t = actor.t;
    const who = personName(person);
    const extent = await this.deps.retention.extentOf(person, (day) => this.deps.window.isOpen(day));
    const lines = [
      t.t('forget.confirmPrompts', { count: extent.prompts, answers: t.t('forget.answers', { count: extent.answers }) }),
      ...(extent.openDays ? [t.t('forget.confirmOpenDays', { count: extent.openDays })] : []),
      t.t('forget.confirmAccounts', { count: extent.accounts }),
      t.t('forget.confirmKept'),
    ];
    return {
      summary: t.t('forget.confirmTitle', { who }),
      title: t.t('forget.confirmTitle', { who }),
      blocks: [
        { type: 'text', text: lines.map((l) => `• ${l}`).join('\n'), tone: 'warning' },
        { type: 'text', text: t.t('forget.confirmAfter'), tone: 'muted' },
        {
          type: 'actions',
          actions: [
            { actionId: ACTION_IDS.forgetConfirm, label: t.t('forget.confirmYes', { who }), value: encodeForget(person.id), style: 'danger' },
            { actionId: ACTION_IDS.forgetCancel, label: t.t('forget.confirmNo'), value: encodeForget(person.id) },
          ],
        },
      ],
    };
  }

  /** The manager confirmed: checked again (a manager, not themselves, the person still known), then erased once. */
  private async forgetConfirmed(actor: Actor, request: ChatRequest, value: string): Promise<ActionOutcome> {
    const t = actor.t;
    if (actor.role !== 'manager') return { reply: textView(t.t('errors.managersOnly'), 'warning') };
    const personId = decodeForget(value);
    if (personId === undefined) return { reply: textView(t.t('errors.badButton'), 'error') };
    const person = await this.deps.store.people.byId(personId);
    if (!person) return { update: textView(t.t('forget.alreadyGone'), 'muted') };
    const outcome = await this.deps.retention.forget(actor, person, request.requestKey);
    if (!outcome.ok) {
      if (outcome.reason === 'replayed') {
        this.replayed(request, 'action forget');
        return {};
      }
      if (outcome.reason === 'outsideScope') return { reply: this.outsideScope(actor, personName(person)) };
      return { reply: textView(t.t('errors.forgetSelf'), 'error') };
    }
    const counts = {
      who: personName(person),
      prompts: t.t('forget.messages', { count: outcome.prompts }),
      delivered: t.t('forget.delivered', { count: outcome.delivered }),
      cancelled: t.t('forget.cancelledAnswers', { count: outcome.cancelled }),
      closed: t.t('forget.closed', { count: outcome.closed }),
    };
    return { update: textView(t.t('forget.done', counts), 'success') };
  }

  /** The overview a button sat in, drawn again from `offset` and remembered with the days it now shows. */
  private async overviewAgain(request: ChatRequest, person: Person, offset: number, context: ClickContext): Promise<View> {
    const subject = this.overviewSubject(await this.deps.people.actorFor(person, request.requestId));
    const drawn = await this.deps.overview.of(subject, offset);
    if (context.message) await this.deps.messages.rememberOverview(drawn.promptIds, person.id, subject.name, context.message, offset, context.messageTtlMs);
    return drawn.view;
  }

  /** Whose overview: the driver linked to the actor, greeted by their first name. */
  private overviewSubject(actor: Actor): OverviewSubject {
    return {
      individuId: actor.individuId as number,
      name: actor.driver ? actor.driver.firstName : (actor.person.display_name ?? ''),
      t: actor.t,
    };
  }

  /** The person a manager's command names, or what to say when there is none. */
  private async subject(actor: Actor, request: ChatRequest, target: Target): Promise<{ person: Person } | { error: View }> {
    const found = await this.deps.people.find(request, target);
    if (found === 'ambiguous') return { error: textView(actor.t.t('errors.ambiguousName', { who: describe(target) }), 'error') };
    if (!found) return { error: textView(actor.t.t('errors.personNotFound', { who: describe(target) }), 'error') };
    // A scoped manager's check needs the person's Ocean link as it is now (their e-mail may match a driver since).
    if (actor.scope && !actor.scope.whole) return { person: (await this.deps.people.actorFor(found, actor.requestId)).person };
    return { person: found };
  }

  /**
   * The part of the fleet a report covers: the manager's scope, or the part of it inside the
   * entity or group they named (never wider: a unit outside the scope is refused).
   */
  private async reportScope(actor: Actor, narrow: UnitRef | undefined): Promise<{ scope: Scope } | { error: View }> {
    const t = actor.t;
    const scope = actor.scope;
    if (!scope) return { error: textView(t.t('errors.managersOnly'), 'warning') };
    if (!narrow) return { scope };
    const unit = await this.deps.scopes.unit(narrow);
    const name = 'name' in narrow ? narrow.name : String(narrow.id);
    if (unit === 'ambiguous') return { error: textView(t.t('errors.unitAmbiguous', { name }), 'error') };
    if (!unit) return { error: textView(t.t(narrow.kind === 'entity' ? 'errors.entityNotFound' : 'errors.groupNotFound', { name }), 'error') };
    const narrowed = scope.narrow(unit);
    if (!narrowed) return { error: this.outsideScope(actor, unit.name) };
    return { scope: narrowed };
  }

  private outsideScope(actor: Actor, who: string): View {
    return textView(actor.t.t('errors.outsideScope', { who, scope: actor.scope?.label() ?? '' }), 'warning');
  }

  /**
   * A person the bot cannot link to Ocean is told why in one sentence, and whom to ask; a driver
   * whose vehicles have private mode off, that there is nothing to declare.
   */
  private cannotAnswer(actor: Actor): View | undefined {
    if (actor.driver && privateModeOff(actor.driver)) return textView(actor.t.t('overview.privateModeOff'), 'warning');
    if (actor.individuId !== null) return undefined;
    const email = actor.person.email;
    return textView(email ? actor.t.t('errors.notLinked', { email }) : actor.t.t('errors.noEmail'), 'warning');
  }

  private parseError(error: CommandError, actor: Actor): View {
    const names = COMMAND_NAMES[actor.person.platform];
    const accepted = error.accepted ? actor.t.t(`accepted.${error.accepted}`, names) : '';
    return textView(actor.t.t(error.key, { ...names, ...error.params, accepted }), 'error');
  }

  /** What the bot does and the commands of the person's role (a driver sees no manager command); `first`, a sentence before it. */
  help(actor: Actor, first?: string): View {
    const t = actor.t;
    const params = COMMAND_NAMES[actor.person.platform];
    const lines = [
      t.t('help.privacy', params),
      t.t('help.schedule', params),
      t.t('help.language', params),
      t.t('help.suggestions', params),
      t.t('help.own', params),
    ];
    if (actor.role === 'manager')
      lines.push(t.t('help.report', params), t.t('help.periods'), t.t('help.managerReports', params), t.t('help.narrow', params), t.t('help.link', params));
    return {
      summary: first ?? t.t('help.title'),
      title: t.t('help.title'),
      blocks: [
        ...(first ? [{ type: 'text' as const, text: first }] : []),
        { type: 'text', text: t.t('help.intro') },
        { type: 'text', text: t.t('help.daily') },
        { type: 'heading', text: t.t('help.commandsTitle') },
        { type: 'text', text: lines.map((l) => `• ${l}`).join('\n') },
        { type: 'text', text: t.t('help.privacyNote'), tone: 'muted' },
      ],
    };
  }

  private failed(error: unknown, context: string, request: ChatRequest): void {
    this.deps.logger?.warn({ context, requestId: request.requestId, err: error instanceof Error ? error.message : String(error) }, 'request failed');
  }

  private replayed(request: ChatRequest, context: string): void {
    this.deps.logger?.warn({ context, platform: request.user.platform, requestId: request.requestId }, 'replayed request ignored');
  }
}

function personName(person: Person): string {
  return person.display_name ?? person.email ?? `<@${person.chat_user_id}>`;
}

function describe(target: Target): string {
  if (target.kind === 'email') return target.email;
  if (target.kind === 'name') return target.name;
  return `<@${target.userId}>`;
}
