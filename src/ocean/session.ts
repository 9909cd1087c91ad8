import type { Clock } from '../clock';

export interface OceanSessionOptions {
  /** Performs `POST auth/authenticate2` and returns the token. */
  login: () => Promise<string>;
  clock: Clock;
  /** Ocean's documented lifetime is 12 hours. */
  lifetimeMs?: number;
  /** Renew this long before the lifetime ends, so a call never starts with a dying token. */
  renewBeforeMs?: number;
}

/**
 * The Ocean session token: logged in on first use, renewed before its lifetime ends, one login
 * in flight at a time however many calls wait for it, dropped when Ocean answers 401.
 */
export class OceanSession {
  private token: string | undefined;
  private expiresAt = 0;
  private pending: Promise<string> | undefined;
  private readonly lifetimeMs: number;
  private readonly renewBeforeMs: number;
  logins = 0;

  constructor(private readonly options: OceanSessionOptions) {
    this.lifetimeMs = options.lifetimeMs ?? 12 * 3600_000;
    this.renewBeforeMs = Math.min(options.renewBeforeMs ?? 10 * 60_000, this.lifetimeMs / 2);
  }

  async currentToken(): Promise<string> {
    const now = this.options.clock.now().getTime();
    if (this.token && now < this.expiresAt - this.renewBeforeMs) return this.token;
    return this.renew();
  }

  /** Keeps a token obtained outside `currentToken()` (an explicit login). */
  adopt(token: string): void {
    this.logins += 1;
    this.token = token;
    this.expiresAt = this.options.clock.now().getTime() + this.lifetimeMs;
  }

  /** Forget `token` if it is still the current one (Ocean said 401 to it). */
  invalidate(token: string): void {
    if (this.token === token) {
      this.token = undefined;
      this.expiresAt = 0;
    }
  }

  private renew(): Promise<string> {
    if (!this.pending) {
      const startedAt = this.options.clock.now().getTime();
      this.pending = this.options
        .login()
        .then((token) => {
          this.logins += 1;
          this.token = token;
          this.expiresAt = startedAt + this.lifetimeMs;
          return token;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }
}
