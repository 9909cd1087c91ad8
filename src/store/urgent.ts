import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * How soon someone waits for the store work under way: an acknowledgement (a click's answer, a
 * form's check), or a person looking at a message about to change (a click's redraw and its
 * delivery to Ocean). Work outside both (commands' reads, jobs) is served in arrival order.
 */
type Waiting = 'ack' | 'soon';
const waiting = new AsyncLocalStorage<Waiting>();

/** Runs `work` as work an acknowledgement waits for: its statements take a reserved connection. */
export function urgently<T>(work: () => Promise<T>): Promise<T> {
  return waiting.run('ack', work);
}

/** Runs `work` as work someone watches (a click's redraw and delivery): it goes before the queue of shared connections. */
export function soon<T>(work: () => Promise<T>): Promise<T> {
  return waiting.run('soon', work);
}

/**
 * The PostgreSQL pool as Kysely uses it, keeping `reserved` of its connections for the work an
 * acknowledgement waits on. Slack waits 3 seconds for a click's acknowledgement, and the click's
 * answer is written before it leaves; in the morning burst, hundreds of commands' reads (answered
 * later through response_url, with no such deadline) would otherwise queue ahead of it in the
 * pool. Everything else shares the other connections, first come first served, but for a
 * click's redraw and delivery, which wait at the front of that queue: the driver is looking at
 * the message they clicked, and a command's answer can come a little later.
 */
export class ReservingPool {
  private shared = 0;
  private readonly queue: (() => void)[] = [];
  /** How many of `queue`'s first entries are `soon` work (they stay ahead of the rest, in order). */
  private ahead = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly sharedMax: number,
  ) {}

  async connect(): Promise<pg.PoolClient> {
    const how = waiting.getStore();
    if (how === 'ack') return this.pool.connect();
    if (this.shared >= this.sharedMax) await this.wait(how === 'soon');
    else this.shared += 1;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.leave();
      throw error;
    }
    // pg-pool gives each checkout its own release: wrap this one.
    const release = client.release.bind(client);
    let released = false;
    client.release = (error?: Error | boolean) => {
      if (!released) {
        released = true;
        this.leave();
      }
      return release(error);
    };
    return client;
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private wait(first: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      if (first) {
        this.queue.splice(this.ahead, 0, resolve);
        this.ahead += 1;
      } else this.queue.push(resolve);
    });
  }

  /** A shared connection came back: hand its place to the next waiting, or free it. */
  private leave(): void {
    const next = this.queue.shift();
    if (next) {
      if (this.ahead > 0) this.ahead -= 1;
      next();
    } else this.shared -= 1;
  }
}
