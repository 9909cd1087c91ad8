import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BulkheadPolicy, bulkhead } from 'cockatiel';
import { Pool } from 'undici';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock';
import type { Log } from '../log';
import { kindForStatus, OceanError, parseRetryAfter, readOceanErrorBody } from './errors';
import { OceanSession } from './session';
import type { TripTimes } from './trip-times';

/*
 * The Ocean client's transport: one keep-alive pool, a timeout on every attempt, retries with
 * backoff that honour `Retry-After`, a concurrency limit, the session token (renewed on a 401)
 * kept out of every log and error, and each answer checked against its schema. The areas of the
 * client (auth, directory, trips, private hours, analysis) make their calls through it.
 */

export interface OceanCallEvent {
  endpoint: string;
  method: string;
  status: number | 'error';
  durationMs: number;
}

export interface OceanClientOptions {
  /** e.g. https://v3.oceansystem.com/ocean/restapi */
  baseUrl: string;
  login: string;
  password: string;
  /** Sent as `customerId` on every call when set (multi-client accounts). */
  customerId?: number;
  /** Per attempt, headers and body included. */
  timeoutMs?: number;
  /** At most this many requests in flight to Ocean, whatever the callers do. */
  maxConcurrency?: number;
  retry?: Partial<RetrySettings>;
  clock?: Clock;
  logger?: Log;
  tokenLifetimeMs?: number;
  renewBeforeMs?: number;
  onCall?: (event: OceanCallEvent) => void;
  /** The customer's operator code, sent as `codeExploitant` on every retroactive request (OCEAN_CODE_EXPLOITANT). */
  codeExploitant?: string;
  /** How a daily record's trip times are read (OCEAN_TRIP_TIMES); UTC by default. */
  tripTimes?: TripTimes;
  /** After each login: the days left before the API password expires, when Ocean says. */
  onLogin?: (info: { passwordExpirationRemainingDays: number | null }) => void;
}

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts after this much time has passed since the first attempt. */
  maxElapsedMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is cut to it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 5,
  maxElapsedMs: 30_000,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

export type Query = Record<string, string | number | boolean | undefined | null>;

/** The incoming request an Ocean call serves: its id goes out as X-Request-Id and into the logs. */
export interface CallContext {
  requestId?: string;
}

export interface CallSpec<T extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  endpoint: string;
  query?: Query;
  body?: unknown;
  schema: T;
  /**
   * Safe to send twice. Only such calls are repeated after a timeout, a dropped connection
   * or a 5xx; every call is repeated after a 429 or a refused connection (not processed).
   */
  idempotent: boolean;
  authenticated?: boolean;
  /** The incoming request this call serves, sent as X-Request-Id and logged. */
  requestId?: string;
  /** What a 404 or an empty body means for a read that documents them as "no data". */
  nothing?: z.output<T>;
}

/** One HTTP client for Ocean; `login` fetches a new token when the session needs one. */
export class OceanTransport {
  private readonly pool: Pool;
  private readonly basePath: string;
  readonly session: OceanSession;
  private readonly limiter: BulkheadPolicy;
  private readonly retrySettings: RetrySettings;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  readonly maxConcurrency: number;

  constructor(
    private readonly options: OceanClientOptions,
    login: () => Promise<string>,
  ) {
    this.maxConcurrency = options.maxConcurrency ?? 16;
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    const maxConcurrency = this.maxConcurrency;
    this.pool = new Pool(url.origin, {
      connections: maxConcurrency,
      keepAliveTimeout: 30_000,
      connectTimeout: Math.min(options.timeoutMs ?? 10_000, 10_000),
    });
    this.limiter = bulkhead(maxConcurrency, Number.POSITIVE_INFINITY);
    this.retrySettings = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.session = new OceanSession({
      clock: this.clock,
      lifetimeMs: options.tokenLifetimeMs,
      renewBeforeMs: options.renewBeforeMs,
      login,
    });
  }

  /** Requests waiting for a free slot under the concurrency limit. */
  get inFlight(): number {
    return this.maxConcurrency - this.limiter.executionSlots;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * One call with its retries: each failed attempt is tried again while the error allows it
   * (see isRetryable), attempts remain and the wait still fits in the time budget. The wait is
   * Ocean's Retry-After when it gave one, else a jittered exponential backoff.
   */
  async call<T extends z.ZodType>(spec: CallSpec<T>): Promise<z.output<T>> {
    const settings = this.retrySettings;
    const started = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(spec);
      } catch (error) {
        const delayMs = this.nextDelay(error, attempt);
        const elapsed = performance.now() - started;
        if (attempt >= settings.maxAttempts || elapsed + delayMs > settings.maxElapsedMs || !this.isRetryable(error, spec.idempotent)) throw error;
        this.options.logger?.debug({ endpoint: spec.endpoint, attempt, delayMs, kind: (error as OceanError).kind }, 'ocean call retried');
        await sleep(delayMs);
      }
    }
  }

  /** A 2xx is never repeated (a bad body or a `false` is Ocean's answer); 429s always are. */
  private isRetryable(error: unknown, idempotent: boolean): boolean {
    if (!(error instanceof OceanError)) return false;
    if (error.kind === 'rateLimited') return true;
    if (error.kind !== 'unavailable') return false;
    // A refused connection never reached Ocean; anything else may have.
    const notSent = (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
    return idempotent || notSent || error.status === 503;
  }

  /** Full-jitter exponential backoff, or Ocean's `Retry-After` when it gave one. */
  private nextDelay(error: unknown, attempt: number): number {
    const settings = this.retrySettings;
    if (error instanceof OceanError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, settings.maxRetryAfterMs);
    const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** One attempt: on a 401 the token is dropped, a new one fetched, and the call made once more. */
  private async attempt<T extends z.ZodType>(spec: CallSpec<T>): Promise<z.output<T>> {
    if (spec.authenticated === false) return this.send(spec, undefined);
    const token = await this.session.currentToken();
    try {
      return await this.send(spec, token);
    } catch (error) {
      if (!(error instanceof OceanError) || error.status !== 401) throw error;
      this.session.invalidate(token);
      return this.send(spec, await this.session.currentToken());
    }
  }

  private send<T extends z.ZodType>(spec: CallSpec<T>, token: string | undefined): Promise<z.output<T>> {
    return this.limiter.execute(() => this.sendNow(spec, token));
  }

  private async sendNow<T extends z.ZodType>(spec: CallSpec<T>, token: string | undefined): Promise<z.output<T>> {
    const { endpoint, method } = spec;
    const query = new URLSearchParams();
    const customerId = spec.authenticated === false ? undefined : this.options.customerId;
    const entries: [string, Query[string]][] = [['customerId', customerId], ...Object.entries(spec.query ?? {})];
    for (const [key, value] of entries) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const search = query.size ? `?${query.toString()}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['x-auth-token'] = token;
    const { requestId } = spec;
    if (requestId) headers['x-request-id'] = requestId;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const response = await this.pool.request({
        path: `${this.basePath}/${endpoint}${search}`,
        method,
        headers,
        body,
        // undici's own timers: no answer headers, or a body that stalls, within timeoutMs.
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      const text = await response.body.text();
      if (spec.nothing !== undefined && (status === 404 || (status >= 200 && status < 300 && !text.trim()))) return spec.nothing;
      if (status < 200 || status >= 300) {
        const said = readOceanErrorBody(text);
        const kind = spec.authenticated === false && [401, 403, 404].includes(status) ? 'auth' : kindForStatus(status);
        throw new OceanError({
          kind,
          endpoint,
          status,
          oceanMessage: said.message,
          oceanStatus: said.oceanStatus,
          retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], this.clock.now()) : undefined,
        });
      }
      return this.parse(spec, status, text);
    } catch (error) {
      if (error instanceof OceanError) throw error;
      const { code, name } = error as { code?: unknown; name?: string };
      // undici errors carry a string code; AbortSignal.timeout() gives a DOMException named TimeoutError.
      const reason = typeof code === 'string' ? code : name;
      throw new OceanError({ kind: 'unavailable', endpoint, oceanMessage: describeTransportError(reason), cause: error });
    } finally {
      const durationMs = performance.now() - started;
      this.options.onCall?.({ endpoint, method, status, durationMs });
      this.options.logger?.debug({ requestId, endpoint, method, status, durationMs: Math.round(durationMs) }, 'ocean call');
    }
  }

  private parse<T extends z.ZodType>(spec: CallSpec<T>, status: number, text: string): z.output<T> {
    let json: unknown = null;
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new OceanError({ kind: 'badResponse', endpoint: spec.endpoint, status, oceanMessage: 'the body is not JSON', cause });
      }
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      // Paths and messages only: values could be personal data.
      const where = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new OceanError({ kind: 'badResponse', endpoint: spec.endpoint, status, oceanMessage: `unexpected shape (${where})`, cause: parsed.error });
    }
    return parsed.data;
  }
}

function describeTransportError(code: string | undefined): string {
  switch (code) {
    case 'TimeoutError':
    case 'AbortError':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out';
    case 'ECONNREFUSED':
      return 'connection refused';
    default:
      return `connection failed (${code ?? 'unknown'})`;
  }
}
