import { DateTime } from 'luxon';
import type { Clock } from '../../clock';
import type { Log } from '../../log';
import type { Person, Store } from '../../store';
import type { PromptMessages } from '../daily';
import type { OceanDirectory } from '../directory';
import { type Actor, personRef } from '../people';
import { holds } from '../scope';

export interface RetentionDeps {
  store: Store;
  /** Where a manager's scope finds the person they want erased. */
  directory: Pick<OceanDirectory, 'byId'>;
  /** Delivers whatever answers are due now (the outbox). */
  deliverDue: () => Promise<unknown>;
  zone: string;
  clock: Clock;
  retentionDays: number;
  /** Closes the messages showing an erased driver's open days. */
  messages?: PromptMessages;
  logger?: Log;
}

/** A replayed request's key is kept this long: Slack's window is 5 minutes, Teams' tokens an hour. */
const REQUEST_KEYS_MS = 24 * 3600_000;

export type ForgetOutcome =
  | { ok: true; prompts: number; delivered: number; cancelled: number; closed: number }
  | { ok: false; reason: 'replayed' | 'forgetSelf' | 'outsideScope' };

/**
 * Data is kept only as long as needed. Every night, prompts (trip times and towns), answers and
 * audit entries older than RETENTION_DAYS go; the report needs none of them (Ocean keeps its own
 * record). On a manager's request, everything about one driver goes now, and a tombstone keeps
 * them from being prompted again until they write to the bot.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  async purge(): Promise<{ prompts: number; audit: number; files: number }> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const cutoff = DateTime.fromJSDate(now, { zone: this.deps.zone }).startOf('day').minus({ days: this.deps.retentionDays });
    const prompts = await store.erasure.promptsBefore(cutoff.toISODate() as string);
    const audit = await store.erasure.auditBefore(cutoff.toJSDate());
    // The history suggestions learn from is kept no longer than the prompts it came from.
    await store.history.before(cutoff.toJSDate());
    const files = await store.erasure.expiredFiles();
    await store.forgetRequests(new Date(now.getTime() - REQUEST_KEYS_MS));
    this.deps.logger?.info({ before: cutoff.toISODate(), prompts, audit, files }, 'data older than the retention purged');
    return { prompts, audit, files };
  }

  /**
   * Erases a person (and every chat account linked to the same driver): answers waiting for Ocean
   * are delivered first where Ocean takes them now, and the rest are cancelled, visibly (counted
   * in the answer to the manager and in the audit trail, which keeps only that a manager erased
   * a driver, never who they were).
   */
  async forget(manager: Actor, target: Person, requestKey?: string): Promise<ForgetOutcome> {
    if (target.id === manager.person.id) return { ok: false, reason: 'forgetSelf' };
    if (!(await holds(manager.scope, target.individu_id, this.deps.directory))) return { ok: false, reason: 'outsideScope' };
    const { store } = this.deps;
    const individuId = target.individu_id;
    const people = individuId === null ? [target] : [target, ...(await store.people.forIndividu(individuId)).filter((p) => p.id !== target.id)];
    let delivered = 0;
    let cancelled = 0;
    if (individuId !== null) {
      const waiting = await store.erasure.pendingAnswersOf(individuId);
      if (waiting) await this.deps.deliverDue();
      cancelled = await store.erasure.pendingAnswersOf(individuId);
      delivered = waiting - cancelled;
    }
    // Read before they go with the prompts: the messages still offering buttons, drawn closed after.
    const shown = individuId !== null && this.deps.messages ? await this.deps.messages.ofOpenDays(individuId) : [];
    let prompts = 0;
    const done = await store.once(requestKey, async (tx) => {
      prompts = (
        await tx.erasure.erase(
          individuId,
          people.map((p) => p.id),
          people.map(personRef),
        )
      ).prompts;
      await tx.auditLog.add(manager.ref, 'forget', individuId === null ? 'unlinked person' : `individu:${individuId}`, {
        people: people.length,
        prompts,
        delivered,
        cancelled,
      });
    });
    if (!done) return { ok: false, reason: 'replayed' };
    const closed = this.deps.messages ? await this.deps.messages.drawErased(shown) : 0;
    this.deps.logger?.info({ individuId, people: people.length, prompts, delivered, cancelled, closed }, "a person was erased at a manager's request");
    return { ok: true, prompts, delivered, cancelled, closed };
  }

  /** What forgetting `target` would erase, for the manager to confirm: daily messages, answers, days still open. */
  async extentOf(target: Person, isOpen: (day: string) => boolean): Promise<{ prompts: number; answers: number; openDays: number; accounts: number }> {
    const { store } = this.deps;
    if (target.individu_id === null) return { prompts: 0, answers: 0, openDays: 0, accounts: 1 };
    const extent = await store.erasure.extentOf(target.individu_id);
    const accounts = (await store.people.forIndividu(target.individu_id)).length || 1;
    return { prompts: extent.prompts, answers: extent.answers, openDays: extent.days.filter(isOpen).length, accounts };
  }
}
