import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * The work a chat request asks for, done after its acknowledgement, without slowing the next
 * acknowledgements down.
 *
 * Slack wants every request acknowledged within 3 seconds, and Node runs acknowledgements and
 * work on one thread. So acknowledgements come first. Between requests, jobs run freely, up to
 * `concurrency` at once. While a request waits for its acknowledgement, or while requests keep
 * coming and the thread is overloaded (more than `overloadedAt` of the last 50 ms or so busy:
 * event-loop utilisation), the work gets a bounded share of the thread: one job starts every
 * `busyIntervalMs` at most (100 a second by default; the work always moves on), and the rest
 * wait in the queue. A job's CPU is spent when it starts and when its answers come back, not
 * while it waits on Ocean, so the pace of starts, not the number running, bounds that share.
 * When no request has come or gone for `quietMs`, nothing competes and jobs run freely again.
 *
 * Jobs wait in a bounded queue: when it is full, `offer()` says no and the transport tells the
 * user plainly that the bot is busy (nothing is done, nothing grows without bound). `drain()`
 * lets a graceful stop finish what was accepted.
 */
export interface AfterAckOptions {
  /** Jobs running at once at most (default 16). */
  concurrency?: number;
  /** Jobs waiting at most (default 1,000); beyond, `offer()` refuses. */
  capacity?: number;
  /** No request for this long, and the work runs freely (default 5 ms). */
  quietMs?: number;
  /** Event-loop utilisation (0–1) above which the thread counts as overloaded (default 0.7). */
  overloadedAt?: number;
  /** The event loop's recent utilisation (default: measured, over about 50 ms). */
  load?: () => number;
  /** While a request waits, or the loop is overloaded, at most one job starts per interval (default 10 ms). */
  busyIntervalMs?: number;
  onError(error: unknown): void;
  onShed?(): void;
  onQueueLength?(length: number): void;
}

type Job = () => Promise<unknown>;

export class AfterAck {
  private readonly concurrency: number;
  private readonly capacity: number;
  private readonly quietMs: number;
  private readonly busyIntervalMs: number;
  private readonly overloadedAt: number;
  private readonly load: () => number;
  private readonly queue: Job[] = [];
  private head = 0;
  private running = 0;
  private requests = 0;
  /** When a request last came or went, and when a job last started (performance.now()). */
  private lastRequestAt = -Infinity;
  private lastStartAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private idle: (() => void)[] = [];

  constructor(private readonly options: AfterAckOptions) {
    this.concurrency = options.concurrency ?? 16;
    this.capacity = options.capacity ?? 1_000;
    this.quietMs = options.quietMs ?? 5;
    this.busyIntervalMs = options.busyIntervalMs ?? 10;
    this.overloadedAt = options.overloadedAt ?? 0.7;
    this.load = options.load ?? loopUtilisation();
  }

  /** An HTTP request arrived: it is answered before more work starts. */
  requestStarted(): void {
    this.requests += 1;
    this.lastRequestAt = performance.now();
  }

  requestFinished(): void {
    this.requests -= 1;
    this.lastRequestAt = performance.now();
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** True when `offer()` would refuse: a transport may refuse at once, before parsing more. */
  get full(): boolean {
    return this.waiting >= this.capacity;
  }

  /** Counts a request refused because the queue was full without asking `offer()`. */
  shed(): void {
    this.options.onShed?.();
  }

  /** Queues `job`; false (and nothing queued) when the queue is full. */
  offer(job: Job): boolean {
    if (this.full) {
      this.shed();
      return false;
    }
    this.queue.push(job);
    this.options.onQueueLength?.(this.waiting);
    // Started on the next turn at the earliest, once the acknowledgement that queued it is written.
    this.wake(0);
    return true;
  }

  /** Resolves when nothing waits and nothing runs (or after `timeoutMs`). */
  drain(timeoutMs = 10_000): Promise<void> {
    if (this.running === 0 && this.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Pumps once `ms` have passed (one timer at a time: the earliest asked for wins). */
  private wake(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private pump(): void {
    let started = false;
    while (this.waiting > 0 && this.running < this.concurrency) {
      const now = performance.now();
      if (this.requests > 0 || (now - this.lastRequestAt < this.quietMs && this.load() > this.overloadedAt)) {
        // A request is waiting, or requests keep coming to an overloaded thread: one start per
        // interval; look again when the next one is due (or when the quiet begins).
        const due = this.lastStartAt + this.busyIntervalMs - now;
        if (due > 0) {
          this.wake(Math.max(1, Math.min(due, this.quietMs)));
          break;
        }
      }
      this.start(now);
      started = true;
    }
    if (started) this.options.onQueueLength?.(this.waiting);
  }

  private start(now: number): void {
    const job = this.queue[this.head] as Job;
    this.queue[this.head] = undefined as unknown as Job;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.running += 1;
    this.lastStartAt = now;
    void this.run(job);
  }

  private async run(job: Job): Promise<void> {
    try {
      await job();
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.running -= 1;
      this.pump();
      if (this.running === 0 && this.waiting === 0) {
        for (const done of this.idle.splice(0)) done();
      }
    }
  }
}

/** This thread's event-loop utilisation over the last 50 ms or so, measured at most that often. */
function loopUtilisation(): () => number {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  let at = performance.now();
  let value = 0;
  return () => {
    const now = performance.now();
    if (now - at >= 50) {
      const current = performance.eventLoopUtilization();
      value = performance.eventLoopUtilization(current, previous).utilization;
      previous = current;
      at = now;
    }
    return value;
  };
}
