import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock';
import type { Log } from '../log';
import { yesterday, type IsoDay } from '../ocean/dates';
import type { Store } from '../store';

/*
 * The jobs know what to run only by these shapes: the business rules (src/privacy) sit above
 * this layer and are handed in by the composition root.
 */
export interface DailyJobs {
  run(day: IsoDay): Promise<unknown>;
  remind(day: IsoDay): Promise<number>;
}

export interface Poller {
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  store: Store;
  dailyRun: DailyJobs;
  outbox: Poller;
  /** The daily purge of what is older than the retention (see RETENTION_DAYS). */
  purge?: () => Promise<unknown>;
  clock: Clock;
  zone: string;
  dailyCron: string;
  reminderCron: string | null;
  worker: string;
  /** How long a run's claim holds before another instance may resume it. */
  runLeaseMs?: number;
  logger?: Log;
  metrics?: { cronRun(job: string, outcome: string): void };
  outboxIntervalMs?: number;
}

const DAILY = 'daily-prompt';
const REMINDER = 'reminder';
const PURGE = 'retention-purge';
/** The purge runs at night, fleet time, when nobody answers prompts. */
const PURGE_CRON = '20 3 * * *';

/**
 * The cron side: the daily prompt and the reminder on node-cron in the fleet's time zone, with
 * node-cron's RunCoordinator backed by the store so that one instance fires each run; a run
 * whose instance died is resumed by whichever instance sees its claim expire; the outbox polls.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private resumeTimer: NodeJS.Timeout | undefined;
  private running = new Set<Promise<unknown>>();

  constructor(private readonly deps: SchedulerDeps) {}

  private get leaseMs(): number {
    return this.deps.runLeaseMs ?? 10 * 60_000;
  }

  coordinator(): RunCoordinator {
    return {
      shouldRun: (key) => this.deps.store.runs.claim(key, this.deps.worker, this.leaseMs),
      onComplete: (key) => this.deps.store.runs.complete(key),
    };
  }

  start(): void {
    const options = { timezone: this.deps.zone, distributed: true, runCoordinator: this.coordinator(), distributedLease: this.leaseMs, noOverlap: true };
    this.tasks.push(
      cron.schedule(this.deps.dailyCron, (ctx) => this.track(this.daily(yesterday(ctx.date, this.deps.zone))), { ...options, name: DAILY }),
    );
    if (this.deps.reminderCron) {
      this.tasks.push(cron.schedule(this.deps.reminderCron, (ctx) => this.track(this.reminder(yesterday(ctx.date, this.deps.zone))), { ...options, name: REMINDER }));
    }
    const purge = this.deps.purge;
    if (purge) {
      this.tasks.push(
        cron.schedule(PURGE_CRON, () => this.track(purge().then(() => this.deps.metrics?.cronRun(PURGE, 'ok'), (error: unknown) => {
          this.deps.metrics?.cronRun(PURGE, 'error');
          throw error;
        })), { ...options, name: PURGE }),
      );
    }
    this.deps.outbox.start(this.deps.outboxIntervalMs);
    this.resumeTimer = setInterval(() => void this.track(this.resumeIncomplete()), Math.min(60_000, this.leaseMs));
    this.resumeTimer.unref();
    void this.track(this.resumeIncomplete());
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    if (this.resumeTimer) clearInterval(this.resumeTimer);
    await this.deps.outbox.stop();
    await Promise.allSettled([...this.running]);
  }

  private track<T>(promise: Promise<T>): Promise<T | undefined> {
    const guarded = promise.catch((error: unknown) => {
      this.deps.logger?.error({ err: error instanceof Error ? error.message : String(error) }, 'scheduled job failed');
      return undefined;
    });
    this.running.add(guarded);
    void guarded.finally(() => this.running.delete(guarded));
    return guarded;
  }

  async daily(day: IsoDay): Promise<unknown> {
    try {
      const report = await this.deps.dailyRun.run(day);
      this.deps.metrics?.cronRun(DAILY, 'ok');
      return report;
    } catch (error) {
      this.deps.metrics?.cronRun(DAILY, 'error');
      throw error;
    }
  }

  async reminder(day: IsoDay): Promise<number> {
    const count = await this.deps.dailyRun.remind(day);
    this.deps.metrics?.cronRun(REMINDER, 'ok');
    return count;
  }

  /** Takes over daily runs whose instance died (claim expired, never completed) and runs them again. */
  async resumeIncomplete(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    for (const run of await this.deps.store.runs.incomplete(`${DAILY}:`)) {
      if (run.expiresAt.getTime() > now) continue;
      if (!(await this.deps.store.runs.claim(run.key, this.deps.worker, this.leaseMs))) continue;
      const slot = new Date(run.key.slice(DAILY.length + 1));
      if (Number.isNaN(slot.getTime())) continue;
      this.deps.logger?.info({ key: run.key }, 'resuming a daily run whose instance stopped');
      await this.daily(yesterday(slot, this.deps.zone));
      await this.deps.store.runs.complete(run.key);
    }
  }
}
