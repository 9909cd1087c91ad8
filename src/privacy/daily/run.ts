import type { Clock } from '../../clock';
import { type Locale, translator } from '../../i18n';
import type { Log } from '../../log';
import { OceanError } from '../../ocean';
import { addDays, type IsoDay } from '../../ocean/dates';
import type { DailyPromptRow, Person, Store } from '../../store';
import { type Driver, type OceanDirectory, privateModeOff } from '../directory';
import { localeOf } from '../people';
import { ChatDeliveryError, type ChatPorts, canDiscover, type MessageRef } from '../ports';
import { noteReached, noteUnreachable, type UnreachableReason, unreachableReasons } from '../reach';
import type { TripsService } from '../trips';
import { promptTrips } from '../trips';
import type { AnswerWindow } from './answer-window';
import type { PromptMessages } from './prompt-messages';
import { promptView } from './prompt-view';
import type { Suggestions } from './suggestions';

export interface DailyRunDeps {
  store: Store;
  directory: OceanDirectory;
  trips: TripsService;
  ports: ChatPorts;
  messages: PromptMessages;
  zone: string;
  clock: Clock;
  window: AnswerWindow;
  suggestions: Suggestions;
  defaultLocale: Locale;
  worker: string;
  logger?: Log;
  metrics?: { sent?(platform: string): void; failed?(platform: string): void };
  /** Drivers handled at once. Ocean's client and the chat clients bound their own calls too. */
  concurrency?: number;
  /** A claim older than this, never sent, is taken over (its worker died). */
  leaseMs?: number;
  /** Reaches drivers the bot cannot yet (Teams installs through Graph), before they are prompted. */
  installer?: { reach(drivers: Driver[]): Promise<unknown> };
}

export type DriverOutcome = 'sent' | 'alreadyDone' | 'noTrips' | 'privateModeOff' | 'unreachable' | 'failed' | 'busy' | 'resumed';

export interface RunReport {
  day: IsoDay;
  drivers: number;
  outcomes: Record<DriverOutcome, number>;
  sent: { individuId: number; platform: string; trips: number }[];
}

/**
 * The daily prompt run for one day: every driver the bot can reach gets at most one message,
 * keyed by (driver, day) in the store, whatever runs again, restarts or runs beside it.
 */
export class DailyRun {
  constructor(private readonly deps: DailyRunDeps) {}

  async run(day: IsoDay): Promise<RunReport> {
    let drivers = (await this.deps.directory.all()).filter((d) => d.vehicles.length > 0);
    const report: RunReport = {
      day,
      drivers: drivers.length,
      outcomes: { sent: 0, alreadyDone: 0, noTrips: 0, privateModeOff: 0, unreachable: 0, failed: 0, busy: 0, resumed: 0 },
      sent: [],
    };
    const done = new Map((await this.deps.store.prompts.forDay(day)).map((p) => [p.individu_id, p]));
    // Drivers a manager had the bot forget are not prompted until they write to the bot again.
    const forgotten = await this.deps.store.erasure.forgotten(drivers.map((d) => d.individuId));
    drivers = drivers.filter((d) => !forgotten.has(d.individuId));
    if (this.deps.installer) {
      await this.deps.installer.reach(drivers).catch((error: unknown) => {
        this.deps.logger?.error({ err: describe(error) }, 'reaching drivers before the prompts failed; prompting those already reachable');
      });
    }
    const problems = await unreachableReasons(
      this.deps.store,
      drivers.map((d) => d.individuId),
    );
    let next = 0;
    const worker = async () => {
      while (next < drivers.length) {
        const driver = drivers[next++] as Driver;
        const outcome = await this.forDriver(driver, day, done.get(driver.individuId), report, problems.get(driver.individuId)).catch((error: unknown) => {
          this.deps.logger?.error({ individuId: driver.individuId, err: describe(error) }, 'daily prompt failed for a driver');
          return 'failed' as const;
        });
        report.outcomes[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 16, drivers.length) }, worker));
    this.deps.logger?.info({ day, ...report.outcomes }, 'daily prompt run finished');
    return report;
  }

  private async forDriver(
    driver: Driver,
    day: IsoDay,
    existing: DailyPromptRow | undefined,
    report: RunReport,
    problem: UnreachableReason | undefined,
  ): Promise<DriverOutcome> {
    if (existing && existing.status !== 'claimed' && existing.status !== 'failed') return 'alreadyDone';
    // Private mode off on every vehicle: Ocean records no private use, there is nothing to ask.
    if (privateModeOff(driver)) return 'privateModeOff';
    const people = await this.reachablePeople(driver);
    if (!people.length) {
      // Why, for the managers' unanswered list: a reason found while installing the app stays;
      // otherwise no chat account carries their e-mail (a Teams account without the app is a person).
      const reason = !driver.email ? 'noEmail' : (problem ?? 'notInChat');
      if (reason !== problem) await noteUnreachable(this.deps.store, driver.individuId, reason);
      return 'unreachable';
    }
    const { trips, alreadyPrivate } = await this.deps.trips.driverDay(driver, day);
    if (!trips.length) return 'noTrips';
    const person = people[0] as Person;
    const prompt = await this.deps.store.prompts.claim({
      individuId: driver.individuId,
      day,
      personId: person.id,
      trips: { asked: trips, alreadyPrivate: alreadyPrivate.length, privateTrips: alreadyPrivate },
      worker: this.deps.worker,
      leaseMs: this.deps.leaseMs ?? 5 * 60_000,
    });
    if (!prompt) return 'busy';
    const gone = { blocked: false };
    const outcome = await this.send(prompt, people, report, gone);
    if (outcome === 'unreachable') await noteUnreachable(this.deps.store, driver.individuId, gone.blocked ? 'blocked' : 'notInstalled');
    else if (problem && (outcome === 'sent' || outcome === 'resumed')) await noteReached(this.deps.store, driver.individuId);
    return outcome;
  }

  /** The people linked to the driver on a platform we serve, the one used last first. */
  private async reachablePeople(driver: Driver): Promise<Person[]> {
    const { store, ports } = this.deps;
    let people = await store.people.forIndividu(driver.individuId);
    if (!people.length && driver.email) {
      // Never heard from: find them by e-mail where the platform allows it (Slack).
      for (const platform of ports.platforms()) {
        const port = ports.get(platform);
        if (!port || !canDiscover(port)) continue;
        const found = await port.discover(driver.email);
        if (!found) continue;
        const person = await store.people.see(
          { platform, workspaceId: found.workspaceId, chatUserId: found.chatUserId, email: driver.email, displayName: found.displayName, locale: found.locale },
          { discovered: true },
        );
        await store.people.link(person.id, driver.individuId, 'email');
      }
      people = await store.people.forIndividu(driver.individuId);
    }
    return people.filter((p) => ports.get(p.platform));
  }

  /** Sends the prompt to the first of `people` a platform delivers to; `gone.blocked` tells whether one had blocked the bot. */
  private async send(prompt: DailyPromptRow, people: Person[], report: RunReport, gone = { blocked: false }): Promise<DriverOutcome> {
    const { store, ports } = this.deps;
    for (const person of people) {
      const port = ports.get(person.platform);
      if (!port) continue;
      // A resumed claim may already be in the chat (the worker died between sending and recording).
      if (prompt.send_started_at && port.findPromptMessage) {
        const found = await port.findPromptMessage(person, prompt.id, prompt.send_started_at);
        if (found) {
          await store.prompts.markSent(prompt.id, found);
          await this.deps.messages.remember(prompt.id, person.id, found);
          return 'resumed';
        }
      }
      const t = translator(localeOf(person, this.deps.defaultLocale));
      const view = promptView(prompt, [], t, {
        zone: this.deps.zone,
        deadline: this.deps.window.of(prompt.day),
        suggestions: await this.deps.suggestions.toShow(prompt, []),
      });
      await store.prompts.markSendStarted(prompt.id);
      try {
        const ref: MessageRef = await port.sendDirect(person, view, { promptId: prompt.id });
        await store.prompts.markSent(prompt.id, { ...ref, platform: person.platform, personId: person.id });
        await this.deps.messages.remember(prompt.id, person.id, ref);
        this.deps.metrics?.sent?.(person.platform);
        report.sent.push({ individuId: prompt.individu_id, platform: person.platform, trips: promptTrips(prompt).asked.length });
        return 'sent';
      } catch (error) {
        this.deps.metrics?.failed?.(person.platform);
        if (error instanceof ChatDeliveryError && error.kind === 'gone') {
          if (error.blocked) gone.blocked = true;
          continue; // try their other platform
        }
        await store.prompts.markFailed(prompt.id, describe(error));
        throw error;
      }
    }
    await store.prompts.markFailed(prompt.id, 'no platform could deliver the prompt');
    return 'unreachable';
  }

  /** Redraws the prompts of the day that closed at the start of the day after `day` (see AnswerWindow). */
  redrawClosed(day: IsoDay): Promise<number> {
    return this.deps.messages.redrawClosed(addDays(day, -this.deps.window.days));
  }

  /** One reminder for the prompts of `day` still unanswered, never more than one per prompt, none once the day is closed. */
  async remind(day: IsoDay): Promise<number> {
    if (!this.deps.window.isOpen(day)) return 0;
    let reminded = 0;
    for (const prompt of await this.deps.store.prompts.forDay(day)) {
      if (!(await this.unanswered(prompt))) continue;
      if (await this.sendReminder(prompt, () => this.deps.store.prompts.claimReminder(prompt.id))) reminded += 1;
    }
    return reminded;
  }

  /** Whether a sent prompt still has trips without an answer. */
  async unanswered(prompt: DailyPromptRow): Promise<boolean> {
    if (prompt.status !== 'sent' || prompt.person_id === null) return false;
    const answered = new Set((await this.deps.store.answers.latest(prompt.id)).map((a) => a.trip_id));
    return promptTrips(prompt).asked.some((trip) => !answered.has(trip.id));
  }

  /**
   * Sends a prompt's reminder to the person it went to, once `claim` (the prompt's one reminder,
   * taken in the store) succeeds; the prompt as it stands, and registered to be redrawn.
   */
  async sendReminder(prompt: DailyPromptRow, claim: () => Promise<boolean>): Promise<boolean> {
    const { store, ports } = this.deps;
    if (prompt.person_id === null || prompt.reminded_at) return false;
    const person = await store.people.byId(prompt.person_id);
    const port = person && ports.get(person.platform);
    if (!person || !port || !(await claim())) return false;
    try {
      const t = translator(localeOf(person, this.deps.defaultLocale));
      const answers = await store.answers.latest(prompt.id);
      const suggestions = await this.deps.suggestions.toShow(prompt, answers);
      const ref = await port.sendDirect(
        person,
        promptView(prompt, answers, t, { zone: this.deps.zone, reminder: true, deadline: this.deps.window.of(prompt.day), suggestions }),
        { promptId: prompt.id },
      );
      await this.deps.messages.remember(prompt.id, person.id, ref);
      return true;
    } catch (error) {
      this.deps.logger?.warn({ promptId: prompt.id, err: describe(error) }, 'reminder not sent');
      return false;
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof OceanError || error instanceof ChatDeliveryError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
