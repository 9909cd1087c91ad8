import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { bulkhead, DelegateBackoff, handleWhen, retry, type BulkheadPolicy } from 'cockatiel';
import type { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import type { Log } from '../log';
import { toOceanDate, toOceanDateTime, type IsoDay } from './dates';
import { OceanError, kindForStatus, parseRetryAfter, readOceanErrorBody } from './errors';
import { OceanSession } from './session';
import * as S from './schemas';

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

const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 5,
  maxElapsedMs: 30_000,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

type Query = Record<string, string | number | boolean | undefined | null>;

/** The incoming request an Ocean call serves: its id goes out as X-Request-Id and into the logs. */
export interface CallContext {
  requestId?: string;
}

interface CallSpec<T extends z.ZodType> {
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
}

/** Why an attempt failed and whether, and when, to try again: decided where the error is seen. */
interface AttemptVerdict {
  retry: boolean;
  delayMs: number;
}

export interface TripPrivacyRequest {
  idEtape: number;
  numeroEmbarque: number;
  codeExploitant?: string | number | null;
  /** true: the trip was private; false: professional. */
  privacy: boolean;
}

export interface ExceptionalPeriodRequest {
  individuId: number;
  description: string;
  from: Date;
  to: Date;
  extensionIdToUpdate?: number;
}

/**
 * The typed Ocean REST client: one method per endpoint we use, one keep-alive pool, a
 * timeout on every attempt, retries with backoff that honour `Retry-After`, a concurrency
 * limit, and the session token kept out of every log and error.
 */
export class OceanClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly session: OceanSession;
  private readonly limiter: BulkheadPolicy;
  private readonly retrySettings: RetrySettings;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly maxConcurrency: number;

  constructor(private readonly options: OceanClientOptions) {
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
      login: async () => (await this.loginRequest()).token,
    });
  }

  /** How many logins this client has made (for tests and metrics). */
  get loginCount(): number {
    return this.session.logins;
  }

  /** Requests waiting for a free slot under the concurrency limit. */
  get inFlight(): number {
    return this.maxConcurrency - this.limiter.executionSlots;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  // --- endpoints ---

  /** Logs in now and keeps the new token for the calls that follow. */
  async authenticate(): Promise<S.LoginResponse> {
    const response = await this.loginRequest();
    this.session.adopt(response.token);
    return response;
  }

  private loginRequest(): Promise<S.LoginResponse> {
    return this.call({
      method: 'POST',
      endpoint: 'auth/authenticate2',
      body: S.LoginBody.parse({ login: this.options.login, password: this.options.password }),
      schema: S.LoginResponse,
      idempotent: true,
      authenticated: false,
    });
  }

  listIndividus(criteria?: S.IndividusCriteria): Promise<S.IndividuEntry[]> {
    return this.call({ method: 'POST', endpoint: 'individus/list', query: { criteria }, schema: S.IndividusListResponse, idempotent: true });
  }

  listVehicles(immatriculation?: string): Promise<S.VehicleEntry[]> {
    return this.call({ method: 'GET', endpoint: 'vehicule_engin/vehicles', query: { immatriculation }, schema: S.VehiclesResponse, idempotent: true });
  }

  async dailyRecord(vehId: number, day: IsoDay, context: CallContext = {}): Promise<S.DailyRecordRow[]> {
    const response = await this.call({
      method: 'GET',
      endpoint: 'mobility/v1/ficheJour',
      query: { vehId, date: toOceanDate(day) },
      schema: S.DailyRecordResponse,
      idempotent: true,
      requestId: context.requestId,
    });
    return response?.fjRows ?? [];
  }

  recurringSchedules(individuId: number, context: CallContext = {}): Promise<S.ScheduleAssignment[]> {
    return this.call({
      method: 'GET',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId },
      schema: S.RecurringSchedulesResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  /** Sends the whole week: whether Ocean merges or replaces is undocumented (REFERENCE §5). */
  async saveRecurringSchedules(individuId: number, body: S.InnerMapBody, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<void> {
    const endpoint = 'vieprivee/v1/horairesViePriveeRecurrentesIndividu';
    const ok = await this.call({
      method: 'POST',
      endpoint,
      query: { individuId, dateDebut: window.from && toOceanDateTime(window.from), dateFin: window.to && toOceanDateTime(window.to) },
      body: S.InnerMapBody.parse(body),
      schema: S.BooleanResponse,
      idempotent: true,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  async deleteRecurringSchedules(individuId: number, horaireIndividuIds: number[], context: CallContext = {}): Promise<void> {
    if (!horaireIndividuIds.length) return;
    // The docs do not say how several ids travel; Spring binds a comma-separated value to a list.
    await this.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId, horaireIndividuIds: horaireIndividuIds.join(',') },
      schema: S.EmptyResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  exceptionalPeriods(individuId: number, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<S.ExceptionalPeriod[]> {
    const from = window.from && toOceanDateTime(window.from);
    const to = window.to && toOceanDateTime(window.to);
    return this.call({
      method: 'GET',
      endpoint: 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu',
      // The EN page names them startDate/endDate, the FR page dateDebut/dateFin: send both.
      query: { individuId, dateDebut: from, dateFin: to, startDate: from, endDate: to },
      schema: S.ExceptionalPeriodsResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  async saveExceptionalPeriod(request: ExceptionalPeriodRequest, context: CallContext = {}): Promise<void> {
    const endpoint = 'vieprivee/v1/horaireViePriveeExceptionnelleIndividu';
    const ok = await this.call({
      method: 'POST',
      endpoint, // singular on POST, plural on GET and DELETE (REFERENCE §6)
      query: {
        individuId: request.individuId,
        description: request.description,
        dateDebut: toOceanDateTime(request.from),
        dateFin: toOceanDateTime(request.to),
        extensionIdToUpdate: request.extensionIdToUpdate,
      },
      schema: S.BooleanResponse,
      // A repeated creation would create a second period; an update is safe to repeat.
      idempotent: request.extensionIdToUpdate !== undefined,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  async deleteExceptionalPeriods(horaireExtensionIds: number[], context: CallContext = {}): Promise<void> {
    if (!horaireExtensionIds.length) return;
    await this.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu',
      query: { horaireExtensionIds: horaireExtensionIds.join(',') },
      schema: S.EmptyResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  /** Retroactively marks a trip private (`privacy=true`) or professional. Setting a state twice is harmless. */
  async markTrip(request: TripPrivacyRequest): Promise<void> {
    const endpoint = 'vieprivee/v1/etapeViePriveePosteriori';
    const ok = await this.call({
      method: 'POST',
      endpoint,
      query: {
        idEtape: request.idEtape,
        numeroEmbarque: request.numeroEmbarque,
        codeExploitant: request.codeExploitant,
        privacy: request.privacy,
      },
      schema: S.BooleanResponse,
      idempotent: true,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  privacyAnalysis(request: S.AnalysisRequest, context: CallContext = {}): Promise<S.AnalysisResult[]> {
    return this.call({
      method: 'POST',
      endpoint: 'analyse/preformattedPrivacy',
      body: S.AnalysisRequest.parse(request),
      schema: S.AnalysisResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  // --- transport ---

  /** Why each failed attempt failed: whether to try again and after how long (errors are unique objects). */
  private readonly verdicts = new WeakMap<object, AttemptVerdict>();
  /** One retry policy for every call; each call's own budget is checked where its error is seen. */
  private readonly retryPolicy = retry(
    handleWhen((error) => this.verdicts.get(error)?.retry === true),
    {
      maxAttempts: 1_000, // bounded per call by maxAttempts and maxElapsedMs below
      backoff: new DelegateBackoff((context) => {
        const reason = context.result as { error?: object };
        return (reason.error && this.verdicts.get(reason.error)?.delayMs) ?? this.retrySettings.initialDelayMs;
      }),
    },
  );

  private async call<T extends z.ZodType>(spec: CallSpec<T>): Promise<z.output<T>> {
    const settings = this.retrySettings;
    const started = performance.now();
    let attempts = 0;
    return this.retryPolicy.execute(async () => {
      attempts += 1;
      try {
        return await this.attempt(spec);
      } catch (error) {
        const delayMs = this.nextDelay(error, attempts);
        const elapsed = performance.now() - started;
        const retryable = attempts < settings.maxAttempts && elapsed + delayMs <= settings.maxElapsedMs && this.isRetryable(error, spec.idempotent);
        if (error && typeof error === 'object') this.verdicts.set(error, { retry: retryable, delayMs });
        if (retryable) this.options.logger?.debug({ endpoint: spec.endpoint, attempt: attempts, delayMs, kind: (error as OceanError).kind }, 'ocean call retried');
        throw error;
      }
    });
  }

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
