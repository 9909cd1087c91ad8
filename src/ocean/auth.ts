import * as S from './schemas';
import type { OceanClientOptions, OceanTransport } from './transport';

/* Ocean's login (`auth/authenticate2`) and what it says of the API password. */

/** Under this many days before the API password expires, the operator is told. */
export const PASSWORD_WARNING_DAYS = 14;

export class OceanAuth {
  /** Days left on the API password at the last login; null when Ocean did not say. */
  passwordDaysLeft: number | null = null;

  constructor(
    private readonly transport: OceanTransport,
    private readonly options: OceanClientOptions,
  ) {}

  /** Logs in now and keeps the new token for the calls that follow. */
  async authenticate(): Promise<S.LoginResponse> {
    const response = await this.loginRequest();
    this.transport.session.adopt(response.token);
    return response;
  }

  async loginRequest(): Promise<S.LoginResponse> {
    const response = await this.transport.call({
      method: 'POST',
      endpoint: 'auth/authenticate2',
      body: S.LoginBody.parse({ login: this.options.login, password: this.options.password }),
      schema: S.LoginResponse,
      idempotent: true,
      authenticated: false,
    });
    this.notePasswordExpiry(response.passwordExpirationRemainingDays ?? null);
    return response;
  }

  private notePasswordExpiry(days: number | null): void {
    this.passwordDaysLeft = days;
    this.options.onLogin?.({ passwordExpirationRemainingDays: days });
    if (days !== null && days < PASSWORD_WARNING_DAYS) {
      this.options.logger?.warn(
        { passwordExpirationRemainingDays: days },
        `the Ocean API password expires in ${days} day(s): change it in Ocean, then OCEAN_PASSWORD`,
      );
    }
  }

  /** What the operator should act on about the login, in plain words. */
  operatorNotes(): string[] {
    const notes: string[] = [];
    if (this.passwordDaysLeft !== null && this.passwordDaysLeft < PASSWORD_WARNING_DAYS) {
      notes.push(`the Ocean API password expires in ${this.passwordDaysLeft} day(s): change it in Ocean, then OCEAN_PASSWORD`);
    }
    return notes;
  }
}
