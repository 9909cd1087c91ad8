import type { Clock } from '../../clock';
import type { Log } from '../../log';
import { type OceanClient, OceanError } from '../../ocean';
import type { Store, TripAnswerRow } from '../../store';
import { promptTrip } from '../trips';
import { UNCONFIRMED } from './answer-status';
import type { PromptMessages } from './prompt-messages';

export interface OutboxMetrics {
  delivered?(n: number): void;
  refused?(n: number): void;
  failed?(n: number): void;
  /** Ocean answered 200 with an undocumented body: not counted delivered, left for an operator. */
  unconfirmed?(n: number): void;
}

export interface OutboxDeps {
  store: Store;
  ocean: OceanClient;
  /** Redrawn after each batch: every message showing a prompt whose answers changed. */
  messages: PromptMessages;
  clock: Clock;
  /** Names this process in the store's locks. */
  worker: string;
  logger?: Log;
  metrics?: OutboxMetrics;
  batchSize?: number;
  leaseMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Prompts of a batch redrawn at once (each a few store reads and one message update per message). */
const REDRAW_LANES = 8;

/** Refusals that will not change by trying again: told to the driver, not retried. */
const PERMANENT = new Set(['invalidInput', 'forbidden', 'notFound']);

/**
 * Delivers stored answers to Ocean's retroactive endpoint, in order per trip, retrying with
 * backoff across restarts until Ocean takes them (promise 1: no answer is lost). After each
 * batch, the prompts it touched are redrawn in the chat with the recorded state.
 */
export class Outbox {
  private draining: Promise<number> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Drains asked for directly (`drain()`), under way. */
  private direct = 0;

  constructor(private readonly deps: OutboxDeps) {}

  /** Deliveries under way (0 when idle): a graceful stop, or a test, waits for them. */
  busy(): number {
    return (this.draining ? 1 : 0) + this.direct;
  }

  start(intervalMs = 2000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for the delivery under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining?.catch(() => undefined);
  }

  /** Starts a drain now, or right after the one under way. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
    this.draining.catch((error: unknown) => this.deps.logger?.error({ err: error }, 'outbox drain failed'));
  }

  /** Delivers every due answer; resolves with how many reached Ocean. */
  async drain(): Promise<number> {
    this.direct += 1;
    try {
      if (this.draining) await this.draining.catch(() => undefined);
      return await this.drainLoop();
    } finally {
      this.direct -= 1;
    }
  }

  private async drainLoop(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.deps.store.answers.claimDue(this.deps.worker, this.deps.batchSize ?? 25, this.deps.leaseMs ?? 60_000);
      if (!batch.length) return delivered;
      const results = await Promise.all(batch.map((answer) => this.deliver(answer)));
      delivered += results.filter((r) => r === 'delivered').length;
      await this.redraw(new Set(batch.map((a) => a.prompt_id)));
      if (this.stopped) return delivered;
    }
  }

  private async deliver(answer: TripAnswerRow): Promise<'delivered' | 'refused' | 'retry'> {
    const { store, ocean, logger, metrics } = this.deps;
    const prompt = await store.prompts.byId(answer.prompt_id);
    const trip = prompt ? promptTrip(prompt, answer.trip_id) : undefined;
    if (!prompt || !trip || trip.numeroEmbarque === null) {
      await store.answers.markRefused(answer.id, 'trip unknown or vehicle without numeroEmbarque');
      metrics?.refused?.(1);
      return 'refused';
    }
    try {
      await ocean.markTrip({ idEtape: trip.id, numeroEmbarque: trip.numeroEmbarque, privacy: answer.choice === 'private' });
      await store.answers.markDelivered(answer.id);
      metrics?.delivered?.(1);
      return 'delivered';
    } catch (error) {
      if (error instanceof OceanError && error.kind === 'badResponse') {
        // A 200 whose body is not Ocean's documented boolean: the POST is not repeated (it did reach
        // Ocean) and nothing says it was taken. An operator checks the trip in Ocean.
        await store.answers.markRefused(answer.id, `${UNCONFIRMED} ${error.oceanMessage ?? 'undocumented answer'}`);
        await store.auditLog.add('outbox', 'answer.unconfirmed', `answer:${answer.id}`, { idEtape: trip.id, status: error.status });
        logger?.error(
          { answerId: answer.id, idEtape: trip.id, status: error.status },
          'Ocean answered a retroactive request with an undocumented body: the answer is not counted as saved, check that trip in Ocean',
        );
        metrics?.unconfirmed?.(1);
        return 'refused';
      }
      if (error instanceof OceanError && PERMANENT.has(error.kind)) {
        await store.answers.markRefused(answer.id, error.oceanMessage ?? error.kind);
        await store.auditLog.add('outbox', 'answer.refused', `answer:${answer.id}`, { kind: error.kind, status: error.status });
        logger?.warn({ answerId: answer.id, kind: error.kind, status: error.status }, 'Ocean refused an answer');
        metrics?.refused?.(1);
        return 'refused';
      }
      const delay = this.backoff(answer.attempts, error);
      await store.answers.markDeliveryFailed(
        answer.id,
        error instanceof OceanError ? `${error.kind}${error.status ? ` ${error.status}` : ''}` : 'internal error',
        new Date(this.deps.clock.now().getTime() + delay),
      );
      logger?.warn(
        { answerId: answer.id, attempts: answer.attempts, retryInMs: delay, kind: error instanceof OceanError ? error.kind : 'internal' },
        'answer delivery will be retried',
      );
      metrics?.failed?.(1);
      return 'retry';
    }
  }

  private backoff(attempts: number, error: unknown): number {
    const base = this.deps.baseBackoffMs ?? 5_000;
    const max = this.deps.maxBackoffMs ?? 10 * 60_000;
    const exponential = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
    const jittered = exponential * (0.8 + Math.random() * 0.4);
    const hinted = error instanceof OceanError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
    return Math.round(Math.max(jittered, hinted));
  }

  /**
   * Redraws every message of each prompt with the answers' current state, a few prompts at a
   * time: under a morning's burst a batch touches as many prompts as it has answers, and drawn
   * one after the other the last driver of the batch waited for all the others' messages.
   */
  private async redraw(promptIds: Set<number>): Promise<void> {
    const ids = [...promptIds];
    const one = async (id: number) => {
      try {
        await this.deps.messages.redraw(id);
      } catch (error) {
        // The answer is in Ocean; a message that could not be redrawn is cosmetic.
        this.deps.logger?.warn({ promptId: id, err: error instanceof Error ? error.message : String(error) }, 'could not redraw a prompt');
      }
    };
    const lanes = Array.from({ length: Math.min(REDRAW_LANES, ids.length) }, async () => {
      for (let id = ids.shift(); id !== undefined; id = ids.shift()) await one(id);
    });
    await Promise.all(lanes);
  }
}
