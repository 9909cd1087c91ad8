import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/** Marks the store work a platform's acknowledgement waits for (a click's answer, a form's check). */
const urgent = new AsyncLocalStorage<true>();

/** Runs `work` as work an acknowledgement waits for: its statements take a reserved connection. */
export function urgently<T>(work: () => Promise<T>): Promise<T> {
  return urgent.run(true, work);
}

/**
 * The PostgreSQL pool as Kysely uses it, keeping `reserved` of its connections for the work an
 * acknowledgement waits on. Slack waits 3 seconds for a click's acknowledgement, and the click's
 * answer is written before it leaves; in the morning burst, hundreds of commands' reads (answered
 * later through response_url, with no such deadline) would otherwise queue ahead of it in the
 * pool. Everything else shares the other connections, first come first served.
 */
export class ReservingPool {
  private shared = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly sharedMax: number,
  ) {}

  async connect(): Promise<pg.PoolClient> {
    if (urgent.getStore()) return this.pool.connect();
    if (this.shared >= this.sharedMax) await new Promise<void>((resolve) => this.waiting.push(resolve));
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

  /** A shared connection came back: hand its place to the next waiting, or free it. */
  private leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.shared -= 1;
  }
}
