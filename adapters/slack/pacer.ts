/**
 * How long the pace holds before it tries faster. A try that finds the limit costs every sender
 * one Retry-After pause (a second, from Slack): every 10 s that was a tenth of the time lost,
 * every minute it is under 2%. Slack's limits do not change from one minute to the next.
 */
const PROBE_AFTER_MS = 60_000;

/**
 * Paces calls to a rate-limited API that tells its limit only by answering 429: after a 429 it
 * pauses everyone for Retry-After, then spaces calls at 95% of the rate that just passed; after a
 * quiet while it probes faster again. One pacer serves every concurrent sender.
 */
export class RatePacer {
  private pausedUntil = 0;
  private intervalMs = 0;
  private nextSlot = 0;
  private lastLimitAt = 0;
  private readonly recent: number[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** Waits for this caller's turn. */
  async turn(): Promise<void> {
    const now = this.clock();
    if (this.intervalMs > 0 && now - this.lastLimitAt > PROBE_AFTER_MS) {
      // No 429 for a while: try 10% faster.
      this.intervalMs *= 0.9;
      this.lastLimitAt = now;
      if (this.intervalMs < 1) this.intervalMs = 0;
    }
    const slot = Math.max(now, this.pausedUntil, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    const wait = slot - now;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** A call went through. */
  passed(): void {
    const now = this.clock();
    this.recent.push(now);
    while (this.recent.length && (this.recent[0] as number) < now - 1000) this.recent.shift();
  }

  /** The API answered 429 with this Retry-After. */
  limited(retryAfterMs: number): void {
    const now = this.clock();
    while (this.recent.length && (this.recent[0] as number) < now - 1000) this.recent.shift();
    const observed = Math.max(1, this.recent.length);
    this.intervalMs = Math.max(this.intervalMs, 1000 / (observed * 0.95));
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.nextSlot = this.pausedUntil;
    this.lastLimitAt = now;
  }
}
