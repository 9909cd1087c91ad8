import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock';
import type { Log } from '../log';
import { type IsoDay, yesterday } from '../ocean/dates';
import type { Store } from '../store';

/*
 * The jobs know what to run only by these shapes: the business rules (src/privacy) sit above
 * this layer and are handed in by the composition root.
 */
export interface DailyJobs {
  run(day: IsoDay): Promise<unknown>;
  remind(day: IsoDay): Promise<number>;
  /** The prompts of the day whose answers just closed are redrawn without their buttons. */
  redrawClosed(day: IsoDay): Promise<unknown>;
}

/** The weekly digest: what it reports is the digest's own business (`R`), the jobs count failures. */
export interface WeeklyJobs<R extends { failed: number } = { failed: number }> {
  run(slot: Date): Promise<R>;
}

export interface Poller {
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export interface SchedulerDeps<R extends { failed: number } = { failed: number }> {
  store: Store;
  dailyRun: DailyJobs;
  outbox: Poller;
  /** The daily purge of what is older than the retention (see RETENTION_DAYS). */
  purge?: () => Promise<unknown>;
  digest: WeeklyJobs<R>;
  clock: Clock;
  zone: string;
  dailyCron: string;
  reminderCron: string | null;
  weeklyCron: string | null;
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
const WEEKLY = 'weekly-report';

/**
 * The cron side: the daily prompt, the reminder and the weekly digest on node-cron in the fleet's
 * time zone, with node-cron's RunCoordinator backed by the store so that one instance fires each
 * run; a run whose instance died is resumed by whichever instance sees its claim expire; the
 * outbox polls.
 */
export class Scheduler<R extends { failed: number } = { failed: number }> {
  private tasks: ScheduledTask[] = [];
  private resumeTimer: NodeJS.Timeout | undefined;
  private running = new Set<Promise<unknown>>();

  constructor(private readonly deps: SchedulerDeps<R>) {}

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
    this.tasks.push(cron.schedule(this.deps.dailyCron, (ctx) => this.track(this.daily(yesterday(ctx.date, this.deps.zone))), { ...options, name: DAILY }));
    if (this.deps.reminderCron) {
      this.tasks.push(
        cron.schedule(this.deps.reminderCron, (ctx) => this.track(this.reminder(yesterday(ctx.date, this.deps.zone))), { ...options, name: REMINDER }),
      );
    }
    const purge = this.deps.purge;
    if (purge) {
      this.tasks.push(
        cron.schedule(
          PURGE_CRON,
          () =>
            this.track(
              purge().then(
                () => this.deps.metrics?.cronRun(PURGE, 'ok'),
                (error: unknown) => {
                  this.deps.metrics?.cronRun(PURGE, 'error');
                  throw error;
                },
              ),
            ),
          { ...options, name: PURGE },
        ),
      );
    }
    if (this.deps.weeklyCron) {
      this.tasks.push(cron.schedule(this.deps.weeklyCron, (ctx) => this.track(this.weekly(ctx.date)), { ...options, name: WEEKLY }));
    }
    this.deps.outbox.start(this.deps.outboxIntervalMs);
    this.resumeTimer = setInterval(() => void this.track(this.resumeIncomplete()), Math.min(60_000, this.leaseMs));
    this.resumeTimer.unref();
    void this.track(this.resumeIncomplete());
  }

  /** Jobs under way (a daily run, a reminder, a digest, a purge, a resumed run); 0 when idle. */
  busy(): number {
    return this.running.size;
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
      // The day whose answers closed at midnight: its prompts lose their buttons.
      await this.deps.dailyRun.redrawClosed(day);
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

  /** The weekly digest of the week before `slot` (each manager and channel once a week, whoever runs it). */
  async weekly(slot: Date): Promise<R> {
    try {
      const report = await this.deps.digest.run(slot);
      this.deps.metrics?.cronRun(WEEKLY, report.failed ? 'error' : 'ok');
      return report;
    } catch (error) {
      this.deps.metrics?.cronRun(WEEKLY, 'error');
      throw error;
    }
  }

  /** Takes over daily runs and digests whose instance died (claim expired, never completed) and runs them again. */
  async resumeIncomplete(): Promise<void> {
    const jobs: [string, (slot: Date) => Promise<unknown>][] = [
      [DAILY, (slot) => this.daily(yesterday(slot, this.deps.zone))],
      [WEEKLY, (slot) => this.weekly(slot)],
    ];
    const now = this.deps.clock.now().getTime();
    for (const [name, run] of jobs) {
      for (const claim of await this.deps.store.runs.incomplete(`${name}:`)) {
        if (claim.expiresAt.getTime() > now) continue;
        const slot = new Date(claim.key.slice(name.length + 1));
        if (Number.isNaN(slot.getTime())) continue;
        if (!(await this.deps.store.runs.claim(claim.key, this.deps.worker, this.leaseMs))) continue;
        this.deps.logger?.info({ key: claim.key }, 'resuming a run whose instance stopped');
        await run(slot);
        await this.deps.store.runs.complete(claim.key);
      }
    }
  }
}
