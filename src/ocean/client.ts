import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BulkheadPolicy, bulkhead } from 'cockatiel';
import { Pool } from 'undici';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock';
import type { Log } from '../log';
import { type IsoDay, localDayBounds, toOceanDate, toOceanDateTime, utcDatesOfLocalDay } from './dates';
import { kindForStatus, OceanError, parseRetryAfter, readOceanErrorBody } from './errors';
import * as S from './schemas';
import { OceanSession } from './session';
import { readPositionInstant, type TripTimes } from './trip-times';

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

/** Under this many days before the API password expires, the operator is told. */
export const PASSWORD_WARNING_DAYS = 14;

/** A daily-record row with its start and end read as instants (null when unreadable). */
export type TimedRow = S.DailyRecordRow & { startAt: Date | null; endAt: Date | null };

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
  /** What a 404 or an empty body means for a read that documents them as "no data". */
  nothing?: z.output<T>;
}

export interface TripPrivacyRequest {
  idEtape: number;
  numeroEmbarque: number;
  /** The client's OCEAN_CODE_EXPLOITANT when not given. */
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
  private readonly tripTimes: TripTimes;
  /** Days left on the API password at the last login; null when Ocean did not say. */
  passwordDaysLeft: number | null = null;
  /** A retroactive request was refused (400/403) while no codeExploitant is configured. */
  codeExploitantSuspected = false;

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
    this.tripTimes = options.tripTimes ?? { reading: 'utc', fleetZone: 'UTC' };
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

  private async loginRequest(): Promise<S.LoginResponse> {
    const response = await this.call({
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

  /** What the operator should act on, in plain words (the /readyz detail). */
  operatorNotes(): string[] {
    const notes: string[] = [];
    if (this.passwordDaysLeft !== null && this.passwordDaysLeft < PASSWORD_WARNING_DAYS) {
      notes.push(`the Ocean API password expires in ${this.passwordDaysLeft} day(s): change it in Ocean, then OCEAN_PASSWORD`);
    }
    if (this.codeExploitantSuspected) notes.push(CODE_EXPLOITANT_HINT);
    return notes;
  }

  listIndividus(criteria?: S.IndividusCriteria): Promise<S.IndividuEntry[]> {
    return this.call({ method: 'POST', endpoint: 'individus/list', query: { criteria }, schema: S.IndividusListResponse, idempotent: true });
  }

  listVehicles(immatriculation?: string): Promise<S.VehicleEntry[]> {
    return this.call({ method: 'GET', endpoint: 'vehicule_engin/vehicles', query: { immatriculation }, schema: S.VehiclesResponse, idempotent: true });
  }

  /** One `ficheJour`: the rows Ocean files under that (UTC) date; a 404 or an empty body is a day without rows. */
  async dailyRecord(vehId: number, date: IsoDay, context: CallContext = {}): Promise<TimedRow[]> {
    const response = await this.call({
      method: 'GET',
      endpoint: 'mobility/v1/ficheJour',
      query: { vehId, date: toOceanDate(date) },
      schema: S.DailyRecordResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: { fjRows: [] },
    });
    return (response?.fjRows ?? []).map((row) => ({
      ...row,
      startAt: readPositionInstant(row.posDeb, this.tripTimes),
      endAt: readPositionInstant(row.posFin, this.tripTimes),
    }));
  }

  /**
   * The rows of a vehicle that start within the fleet's local day. `ficheJour`'s date is
   * documented as UTC, so each UTC date the day touches is read; a row seen under both dates
   * counts once. Under either reading of that date (UTC or local), no row is lost or doubled.
   */
  async dailyRecordForLocalDay(vehId: number, day: IsoDay, zone: string, context: CallContext = {}): Promise<TimedRow[]> {
    const { start, end } = localDayBounds(day, zone);
    const rows = new Map<number, TimedRow>();
    for (const date of utcDatesOfLocalDay(day, zone)) {
      for (const row of await this.dailyRecord(vehId, date, context)) {
        // A row without a readable start cannot be placed: only the date named like the day keeps it.
        const inDay = row.startAt ? row.startAt >= start && row.startAt < end : date === day;
        if (inDay && !rows.has(row.id)) rows.set(row.id, row);
      }
    }
    return [...rows.values()];
  }

  /** A 404 or an empty body is a driver without recurring hours. */
  recurringSchedules(individuId: number, context: CallContext = {}): Promise<S.ScheduleAssignment[]> {
    return this.call({
      method: 'GET',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId },
      schema: S.RecurringSchedulesResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: [],
    });
  }

  /**
   * Posts a week of slots. Whether Ocean merges them into the schedule in force or replaces it
   * is undocumented (REFERENCE §5), so this is never repeated after it may have reached Ocean:
   * under merging, a second copy would double the week.
   */
  async saveRecurringSchedules(individuId: number, body: S.InnerMapBody, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<void> {
    const endpoint = 'vieprivee/v1/horairesViePriveeRecurrentesIndividu';
    const ok = await this.call({
      method: 'POST',
      endpoint,
      query: { individuId, dateDebut: window.from && toOceanDateTime(window.from), dateFin: window.to && toOceanDateTime(window.to) },
      body: S.InnerMapBody.parse(body),
      schema: S.ScheduleSaveAnswer,
      idempotent: false,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  /** `horaireIndividuIds` is typed as one int64: one assignment id per DELETE. */
  async deleteRecurringSchedule(individuId: number, horaireIndividuId: number, context: CallContext = {}): Promise<void> {
    await this.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId, horaireIndividuIds: horaireIndividuId },
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
      nothing: [],
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
      schema: S.ScheduleSaveAnswer,
      // A repeated creation would create a second period; an update is safe to repeat.
      idempotent: request.extensionIdToUpdate !== undefined,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  /** One extension id per DELETE, like the recurring one. */
  async deleteExceptionalPeriod(horaireExtensionId: number, context: CallContext = {}): Promise<void> {
    await this.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu',
      query: { horaireExtensionIds: horaireExtensionId },
      schema: S.EmptyResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  /**
   * Retroactively marks a trip private (`privacy=true`) or professional. Setting a state twice is
   * harmless, so a timeout is retried; an HTTP 200 never is. Only a documented `true` succeeds:
   * `false` is a refusal (`invalidInput`), any other body a `badResponse`.
   */
  async markTrip(request: TripPrivacyRequest): Promise<void> {
    const endpoint = 'vieprivee/v1/etapeViePriveePosteriori';
    const codeExploitant = request.codeExploitant ?? this.options.codeExploitant;
    let ok: boolean;
    try {
      ok = await this.call({
        method: 'POST',
        endpoint,
        query: { idEtape: request.idEtape, numeroEmbarque: request.numeroEmbarque, codeExploitant, privacy: request.privacy },
        schema: S.RetroactiveAnswer,
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof OceanError && (error.status === 400 || error.status === 403) && (codeExploitant === undefined || codeExploitant === null)) {
        if (!this.codeExploitantSuspected) this.options.logger?.warn({ endpoint, status: error.status }, CODE_EXPLOITANT_HINT);
        this.codeExploitantSuspected = true;
      }
      throw error;
    }
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
    // Taken without a code: Ocean does not need one, whatever refused an earlier request.
    if (codeExploitant === undefined || codeExploitant === null) this.codeExploitantSuspected = false;
  }

  /** `affectations_chauffeurs/get`: one dated driver<->vehicle assignment by its id. */
  assignment(idAffectation: number, context: CallContext = {}): Promise<S.DriverAssignment | null> {
    return this.call({
      method: 'GET',
      endpoint: 'affectations_chauffeurs/get',
      query: { idAffectation },
      schema: S.DriverAssignment.nullable(),
      idempotent: true,
      requestId: context.requestId,
      nothing: null,
    });
  }

  /** `affectations_chauffeurs/historique`: the dated assignments of a vehicle and/or a driver. */
  assignmentHistory(filter: { vehicleId?: number; individuId?: number }, context: CallContext = {}): Promise<S.DriverAssignment[]> {
    return this.call({
      method: 'GET',
      endpoint: 'affectations_chauffeurs/historique',
      query: { idVehicule: filter.vehicleId, idIndividu: filter.individuId },
      schema: S.AssignmentHistoryResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: [],
    });
  }

  /** The analysis, with its body in the documented form: unwanted filters left out, never sent as `[0]`. */
  privacyAnalysis(request: S.AnalysisRequest, context: CallContext = {}): Promise<S.AnalysisResult[]> {
    const parsed = S.AnalysisRequest.parse(request);
    const filter = Object.fromEntries(
      Object.entries(parsed.filter ?? {})
        .map(([name, ids]) => [name, (ids ?? []).filter((id) => id > 0)] as const)
        .filter(([, ids]) => ids.length > 0),
    );
    return this.call({
      method: 'POST',
      endpoint: 'analyse/preformattedPrivacy',
      body: { filter, renderMode: parsed.renderMode, criteria: parsed.criteria, periode: parsed.periode },
      schema: S.AnalysisResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  // --- transport ---

  /**
   * One call with its retries: each failed attempt is tried again while the error allows it
   * (see isRetryable), attempts remain and the wait still fits in the time budget. The wait is
   * Ocean's Retry-After when it gave one, else a jittered exponential backoff.
   */
  private async call<T extends z.ZodType>(spec: CallSpec<T>): Promise<z.output<T>> {
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

const CODE_EXPLOITANT_HINT =
  "Ocean refused a retroactive request and OCEAN_CODE_EXPLOITANT is not set: Ocean may need the customer's operator code (codeExploitant)";

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
