import type { IsoDay } from '../../ocean/dates';
import type { DailyPromptRow, Store } from '../../store';
import type { AnswerWindow, DailyRun } from '../daily';
import { driverName, type OceanDirectory } from '../directory';
import type { Actor } from '../people';
import type { Scope } from '../scope';
import { promptTrips } from '../trips';

/** A driver with trips left without an answer: counts and a date, never the trips themselves. */
export interface NonResponder {
  individuId: number;
  name: string;
  /** Trips of days still open, waiting for an answer. */
  open: number;
  /** Trips of closed days left without an answer: they stay as Ocean has them. */
  closed: number;
  /** The first day with a trip left without an answer. */
  since: IsoDay;
  /** Open days that can still get their one reminder. */
  remindable: number;
}

export type ReminderOutcome = { replayed: true } | { replayed: false; drivers: number; days: number; alreadyReminded: number };

export interface NonRespondersDeps {
  store: Store;
  directory: Pick<OceanDirectory, 'byId' | 'all'>;
  window: AnswerWindow;
  reminders: Pick<DailyRun, 'sendReminder'>;
}

interface Unanswered {
  prompt: DailyPromptRow;
  trips: number;
  open: boolean;
}

/**
 * Who has not answered for a period, from the store alone: per driver, how many trips wait for
 * an answer, how many were left on days now closed, and since when. A manager sees these counts,
 * never a trip. Their button sends the drivers one reminder now, within the rule of one reminder
 * per prompt: days already reminded (by the daily reminder or another manager) get none.
 * Both keep to a scope: a manager sees and reminds the people of their own part of the fleet.
 */
export class NonResponders {
  constructor(private readonly deps: NonRespondersDeps) {}

  async list(period: { first: IsoDay; last: IsoDay }, scope: Scope): Promise<NonResponder[]> {
    const byDriver = new Map<number, Unanswered[]>();
    for (const entry of await this.unanswered(period, scope)) {
      const list = byDriver.get(entry.prompt.individu_id) ?? [];
      list.push(entry);
      byDriver.set(entry.prompt.individu_id, list);
    }
    const people: NonResponder[] = [];
    for (const [individuId, entries] of byDriver) {
      const driver = await this.deps.directory.byId(individuId).catch(() => undefined);
      const name = driver ? driverName(driver) : await this.storedName(individuId);
      people.push({
        individuId,
        name,
        open: sum(entries.filter((e) => e.open).map((e) => e.trips)),
        closed: sum(entries.filter((e) => !e.open).map((e) => e.trips)),
        since: entries.map((e) => e.prompt.day).sort()[0] as IsoDay,
        remindable: entries.filter((e) => e.open && !e.prompt.reminded_at).length,
      });
    }
    return people.sort((a, b) => b.open - a.open || b.closed - a.closed || a.since.localeCompare(b.since) || a.name.localeCompare(b.name));
  }

  /**
   * A manager's reminder: each open day of the period still without its answers and its reminder
   * gets it now. The reminders are claimed in one transaction with the click's request, so a
   * replayed click sends nothing; they are sent after.
   */
  async remind(actor: Actor, period: { first: IsoDay; last: IsoDay }, requestKey: string | undefined): Promise<ReminderOutcome> {
    if (!actor.scope) throw new Error('reminders are for managers only');
    const open = (await this.unanswered(period, actor.scope)).filter((e) => e.open);
    const claimed: DailyPromptRow[] = [];
    const fresh = await this.deps.store.once(requestKey, async (tx) => {
      for (const { prompt } of open) if (!prompt.reminded_at && (await tx.prompts.claimReminder(prompt.id))) claimed.push(prompt);
      await tx.auditLog.add(actor.ref, 'reminders', null, { first: period.first, last: period.last, days: claimed.length });
    });
    if (!fresh) return { replayed: true };
    const drivers = new Set<number>();
    let days = 0;
    for (const prompt of claimed) {
      if (!(await this.deps.reminders.sendReminder(prompt, async () => true))) continue;
      days += 1;
      drivers.add(prompt.individu_id);
    }
    return { replayed: false, drivers: drivers.size, days, alreadyReminded: open.length - claimed.length };
  }

  /** The sent prompts of the period that still have trips without an answer, of the people in `scope`. */
  private async unanswered(period: { first: IsoDay; last: IsoDay }, scope: Scope): Promise<Unanswered[]> {
    const { store, window } = this.deps;
    const [prompts, answered] = await Promise.all([
      store.prompts.sentBetween(period.first, period.last),
      store.answers.answeredBetween(period.first, period.last),
    ]);
    const inScope = new Map<number, boolean>();
    const found: Unanswered[] = [];
    for (const prompt of prompts) {
      if (!scope.whole) {
        let held = inScope.get(prompt.individu_id);
        if (held === undefined) {
          // Someone Ocean no longer lists is in no entity nor group: outside every scope but the fleet's.
          held = scope.includes(await this.deps.directory.byId(prompt.individu_id).catch(() => undefined));
          inScope.set(prompt.individu_id, held);
        }
        if (!held) continue;
      }
      const done = answered.get(prompt.id);
      const trips = promptTrips(prompt).asked.filter((trip) => !done?.has(trip.id)).length;
      if (trips > 0) found.push({ prompt, trips, open: window.isOpen(prompt.day) });
    }
    return found;
  }

  private async storedName(individuId: number): Promise<string> {
    const person = (await this.deps.store.people.forIndividu(individuId))[0];
    return person?.display_name ?? `#${individuId}`;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
