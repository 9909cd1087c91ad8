import { type BulkheadPolicy, bulkhead } from 'cockatiel';

/** Tasks running at once after their acknowledgement (one event loop: a few keep it busy). */
export const AFTER_ACK_CONCURRENCY = 4;
/** How long a task keeps its place: past it, it is waiting on something slow (Ocean), not working. */
export const AFTER_ACK_LEASE_MS = 250;

/**
 * What a request does after its acknowledgement (a command's answer, a click's redraw) runs a
 * few tasks at a time, in the order the requests came. Slack's requests are acknowledged on the
 * same event loop: without this, a burst's answers and redraws (a fresh process's first second
 * above all) queue the next requests' acknowledgements behind them. A task holds its place
 * while it runs on the store and the CPU; one still running after `leaseMs` is waiting on
 * something slow (an Ocean call, a report) and gives its place up, going on beside the others,
 * so that slow work never holds up quick work. Nothing is refused: the queue has no bound.
 */
export class AfterAck {
  private readonly lane: BulkheadPolicy;
  private queued = 0;

  constructor(private readonly options: { concurrency: number; leaseMs: number } = { concurrency: AFTER_ACK_CONCURRENCY, leaseMs: AFTER_ACK_LEASE_MS }) {
    this.lane = bulkhead(options.concurrency, Number.POSITIVE_INFINITY);
  }

  /** Runs `work` when its turn comes; resolves or rejects as `work` does. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let running: Promise<T> | undefined;
    this.queued += 1;
    await this.lane.execute(
      () =>
        new Promise<void>((release) => {
          this.queued -= 1;
          const lease = setTimeout(release, this.options.leaseMs);
          running = (async () => work())();
          // The place is given back when the work settles (or at the lease); its outcome goes to the caller below.
          const settled = () => {
            clearTimeout(lease);
            release();
          };
          running.then(settled, settled);
        }),
    );
    return running as Promise<T>;
  }

  /** Tasks waiting for their turn (the `privacy_after_ack_waiting` gauge). */
  waiting(): number {
    return this.queued;
  }
}
