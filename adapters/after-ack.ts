/**
 * The work a chat request asks for, done after its acknowledgement, without slowing the next
 * acknowledgements down.
 *
 * Slack wants every request acknowledged within 3 seconds, and Node runs acknowledgements and
 * work on one thread. So acknowledgements come first: no job starts while an HTTP request is
 * waiting for its answer, except one when none is running (the work always moves on); jobs
 * start again, up to `concurrency` at once, as soon as no request waits. Under moderate load
 * such moments come every millisecond or so; under saturation the work goes one job at a time.
 * Jobs wait in a bounded queue: when it is full, `offer()` says no and the transport tells the
 * user plainly that the bot is busy (nothing is done, nothing grows without bound). `drain()`
 * lets a graceful stop finish what was accepted.
 */
export interface AfterAckOptions {
  /** Jobs run at once when no request is waiting (default 16). */
  concurrency?: number;
  /** Jobs waiting at most (default 1,000); beyond, `offer()` refuses. */
  capacity?: number;
  onError(error: unknown): void;
  onShed?(): void;
  onQueueLength?(length: number): void;
}

type Job = () => Promise<unknown>;

export class AfterAck {
  private readonly concurrency: number;
  private readonly capacity: number;
  private readonly queue: Job[] = [];
  private head = 0;
  private running = 0;
  private requests = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly options: AfterAckOptions) {
    this.concurrency = options.concurrency ?? 16;
    this.capacity = options.capacity ?? 1_000;
  }

  /** An HTTP request arrived: it is answered before more work starts. */
  requestStarted(): void {
    this.requests += 1;
  }

  requestFinished(): void {
    this.requests -= 1;
    if (this.requests === 0) this.pump();
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Queues `job`; false (and nothing queued) when the queue is full. */
  offer(job: Job): boolean {
    if (this.waiting >= this.capacity) {
      this.options.onShed?.();
      return false;
    }
    this.queue.push(job);
    this.options.onQueueLength?.(this.waiting);
    // Started on the next turn, once the acknowledgement that queued it has been written.
    setImmediate(() => this.pump());
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

  private pump(): void {
    const limit = this.requests > 0 ? 1 : this.concurrency;
    if (this.waiting === 0 || this.running >= limit) return;
    while (this.waiting > 0 && this.running < limit) {
      const job = this.queue[this.head] as Job;
      this.queue[this.head] = undefined as unknown as Job;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.running += 1;
      void this.run(job);
    }
    this.options.onQueueLength?.(this.waiting);
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
