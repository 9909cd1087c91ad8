import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type Clock, systemClock } from '../clock';
import type { Log } from '../log';
import { FaultInjector, type Faults } from './faults';
import { Fleet, type FleetOptions } from './fleet';
import { type BooleanForm, type NoData, oceanError, ROUTES, type RouteContext, type SimAnswer } from './ocean-routes';
import { PrivacyState } from './schedules';
import { readState, writeState } from './state-file';
import { isError, readLogin } from './wire';

export const SIM_BASE_PATH = '/ocean/restapi';
export const SIM_LOGIN = 'sandbox';
export const SIM_PASSWORD = 'sandbox-password';

export interface SimulatorOptions extends FleetOptions {
  port?: number;
  zone?: string;
  clock?: Clock;
  login?: string;
  password?: string;
  /** When set, a request with another `customerId` gets 403. */
  customerId?: number;
  tokenLifetimeMs?: number;
  faults?: Partial<Faults>;
  /** Extra keys written into every `*ByPeriodMap` (tests of unknown keys). */
  extraPeriodKeys?: string[];
  maxAnalysisDays?: number;
  /** Keep at most this many recorded requests (0: record none, for benchmarks). */
  recordLimit?: number;
  /** The customer's operator code: when set, every retroactive request must carry it as `codeExploitant`. */
  codeExploitant?: string;
  /** How a read with no data answers: `[]` (default), a 404, or a 200 with an empty body. */
  noData?: NoData;
  /** The documented boolean form the simulator answers with (default a plain `true`). */
  booleanForm?: BooleanForm;
  /** Trip `date`/`heure` written in UTC (default) or in the fleet's zone, like OCEAN_TRIP_TIMES. */
  tripTimes?: 'utc' | 'fleet';
  /** Whether trip rows carry their driver's name (default true); false as without badge readers. */
  rowDrivers?: boolean;
  /** Whether `affectations_chauffeurs` answers (default true); false answers 404, like an Ocean without it. */
  assignments?: boolean;
  /** Where the analysis carries the private/professional split (default the period maps' keys). */
  analysisSplit?: 'periodMaps' | 'flags';
  /** What the login says about the API password (default 87 days). */
  passwordExpirationRemainingDays?: number | null;
  /**
   * Where the simulator keeps what Ocean would remember across a restart (sandbox mode: a file in
   * DATA_DIR). Unset: in memory only, as the tests' simulators.
   */
  stateFile?: string;
  /** Told when the state file is damaged or cannot be written. */
  logger?: Log;
}

export interface RecordedRequest {
  method: string;
  endpoint: string;
  query: Record<string, string>;
  body: unknown;
  status: number | 'dropped' | 'hung';
  authenticated: boolean;
  requestId?: string;
  at: string;
}

/**
 * The Ocean simulator: the documented endpoints, parameters, bodies, status codes and shapes
 * (REFERENCE.md) over a seeded fleet, with state, token expiry and fault injection. It records
 * every request so tests can assert on the wire traffic, and never logs tokens.
 */
export class OceanSimulator {
  readonly fleet: Fleet;
  readonly state: PrivacyState;
  readonly faults = new FaultInjector();
  readonly requests: RecordedRequest[] = [];
  readonly zone: string;
  private readonly clock: Clock;
  private readonly tokens = new Map<string, number>();
  private readonly issued: string[] = [];
  private readonly server: http.Server;
  private readonly hung = new Set<http.ServerResponse>();
  /** The routes' settings; tests may change them while the simulator runs. */
  readonly ctx: RouteContext;
  tokenLifetimeMs: number;
  baseUrl = '';
  /** The state's revision last written to the state file (-1: nothing written yet). */
  private savedRevision = -1;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.zone = options.zone ?? 'Europe/Paris';
    this.clock = options.clock ?? systemClock;
    this.fleet = new Fleet(options);
    const saved = options.stateFile ? readState(options.stateFile) : {};
    if (saved.damaged)
      options.logger?.warn(
        { file: options.stateFile, problem: saved.damaged },
        "the Ocean simulator's saved state cannot be used: starting from the seeded fleet",
      );
    this.state = new PrivacyState(this.fleet, this.zone, this.clock.now(), saved.snapshot);
    if (saved.snapshot) this.savedRevision = this.state.revision;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 12 * 3600_000;
    if (options.faults) this.faults.set(options.faults);
    this.ctx = {
      fleet: this.fleet,
      state: this.state,
      zone: this.zone,
      now: () => this.clock.now(),
      extraPeriodKeys: options.extraPeriodKeys ?? [],
      maxAnalysisDays: options.maxAnalysisDays ?? 366,
      codeExploitant: options.codeExploitant,
      noData: options.noData ?? 'empty',
      booleanForm: options.booleanForm ?? 'plain',
      tripTimes: options.tripTimes ?? 'utc',
      rowDrivers: options.rowDrivers ?? true,
      assignments: options.assignments ?? true,
      analysisSplit: options.analysisSplit ?? 'periodMaps',
    };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  get login(): string {
    return this.options.login ?? SIM_LOGIN;
  }

  get password(): string {
    return this.options.password ?? SIM_PASSWORD;
  }

  async start(): Promise<string> {
    this.saveState();
    await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}${SIM_BASE_PATH}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.saveState();
  }

  setFaults(partial: Partial<Faults>): Faults {
    return this.faults.set(partial);
  }

  /** The tokens handed out so far (tests check they never reach a log). */
  issuedTokens(): string[] {
    return [...this.issued];
  }

  /** Forget every token, as if they had all expired. */
  expireTokens(): void {
    this.tokens.clear();
  }

  requestsTo(endpoint: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.endpoint === endpoint && (!method || r.method === method));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = performance.now();
    const url = new URL(req.url ?? '/', 'http://sim');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__sim/')) return this.control(url.pathname, req.method ?? 'GET', raw, res, url.searchParams);
    if (!url.pathname.startsWith(`${SIM_BASE_PATH}/`)) return send(res, { status: 404, body: { message: 'Not found' } });
    const endpoint = url.pathname.slice(SIM_BASE_PATH.length + 1);
    const method = req.method ?? 'GET';
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = Symbol.for('invalid-json');
      }
    }
    const token = req.headers['x-auth-token'];
    const search = url.searchParams;
    let query: Record<string, string> | undefined;
    const record = {
      method,
      endpoint,
      // Built when a test reads it: the benchmarks record thousands of requests a second.
      get query(): Record<string, string> {
        query ??= Object.fromEntries(search);
        return query;
      },
      body: typeof body === 'symbol' ? raw : body,
      status: 0,
      authenticated: typeof token === 'string',
      requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined,
      at: this.clock.now().toISOString(),
    } as RecordedRequest;
    const limit = this.options.recordLimit ?? 50_000;
    if (limit > 0) {
      this.requests.push(record);
      if (this.requests.length > limit) this.requests.shift();
    }

    const action = this.faults.next(endpoint, Date.now(), method);
    if (action.type === 'drop') {
      record.status = 'dropped';
      req.socket.destroy();
      return;
    }
    if (action.type === 'hang') {
      record.status = 'hung';
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    const latency = this.faults.faults.latencyMs;
    let answer: SimAnswer & { headers?: Record<string, string> };
    if (action.type === 'status') {
      answer = oceanError(
        action.status,
        action.status === 429 ? 'tooManyRequests' : 'serverError',
        action.status === 429 ? 'Trop de requêtes' : 'Erreur interne',
      );
      if (action.retryAfterSeconds !== null) answer.headers = { 'retry-after': String(action.retryAfterSeconds) };
    } else if (action.type === 'malformed') {
      answer = { status: 200, raw: '{"fjRows": [ {"id": 1, ' };
    } else if (action.type === 'wrongShape') {
      answer = { status: 200, body: { unexpected: 'shape', fjRows: 'not a list', token: 42 } };
    } else if (action.type === 'body') {
      answer = action.raw !== undefined ? { status: 200, raw: action.raw } : { status: 200, body: action.body };
    } else {
      answer = this.route(method, endpoint, url.searchParams, body, token);
      // On disk before the answer leaves: what Ocean confirmed survives a restart.
      this.saveState();
    }
    record.status = answer.status;
    // The added latency counts from the request's arrival: the answer leaves `latencyMs` after it.
    // Node's timers fire about a millisecond after the time asked, hence the - 1.
    const wait = arrived + latency - performance.now() - 1;
    if (latency > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (latency > 0 && wait > -1) await new Promise((resolve) => setImmediate(resolve));
    send(res, answer);
  }

  /** Writes the state file when the state changed since it was last written (with a state file). */
  private saveState(): void {
    const file = this.options.stateFile;
    if (!file || this.state.revision === this.savedRevision) return;
    try {
      writeState(file, this.state.snapshot());
      this.savedRevision = this.state.revision;
    } catch (error) {
      // The sandbox goes on in memory; the next change tries again.
      this.options.logger?.warn({ file, err: error instanceof Error ? error.message : String(error) }, "the Ocean simulator's state could not be saved");
    }
  }

  private route(method: string, endpoint: string, query: URLSearchParams, body: unknown, token: string | string[] | undefined): SimAnswer {
    if (typeof body === 'symbol') return oceanError(400, 'badParameters', 'JSON invalide');
    if (method === 'POST' && endpoint === 'auth/authenticate2') {
      const given = readLogin(body);
      if (isError(given) || given.login !== this.login || given.password !== this.password) {
        return oceanError(401, 'badCredentials', 'Identifiant ou mot de passe incorrect');
      }
      const issued = randomBytes(24).toString('base64url');
      this.tokens.set(issued, this.clock.now().getTime() + this.tokenLifetimeMs);
      if (this.issued.length < 1000) this.issued.push(issued);
      const days = this.options.passwordExpirationRemainingDays === undefined ? 87 : this.options.passwordExpirationRemainingDays;
      return { status: 200, body: { token: issued, passwordExpirationRemainingDays: days, additionalAccountData: {} } };
    }
    const handler = ROUTES[`${method} ${endpoint}`];
    if (!handler) return { status: 404, body: { message: `No endpoint ${method} ${endpoint}` } };
    const expiresAt = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= this.clock.now().getTime()) {
      return oceanError(401, 'unauthorized', 'Jeton absent, invalide ou expiré');
    }
    const customerId = query.get('customerId');
    if (this.options.customerId !== undefined && customerId !== null && customerId !== String(this.options.customerId)) {
      return oceanError(403, 'forbidden', 'Accès refusé à ce client');
    }
    return handler(this.ctx, { method, endpoint, query, body });
  }

  /** Control routes for out-of-process tests and benchmarks. */
  private control(path: string, method: string, raw: string, res: http.ServerResponse, params: URLSearchParams): void {
    if (path === '/__sim/faults' && method === 'POST') {
      try {
        return send(res, { status: 200, body: this.setFaults(JSON.parse(raw || '{}') as Partial<Faults>) });
      } catch {
        return send(res, { status: 400, body: { message: 'invalid JSON' } });
      }
    }
    if (path === '/__sim/faults' && method === 'DELETE') {
      this.faults.reset();
      return send(res, { status: 204 });
    }
    if (path === '/__sim/requests' && method === 'GET') return send(res, { status: 200, body: this.requests });
    if (path === '/__sim/requests' && method === 'DELETE') {
      this.requests.length = 0;
      return send(res, { status: 204 });
    }
    if (path === '/__sim/count' && method === 'GET') {
      const endpoint = params.get('endpoint');
      return send(res, { status: 200, body: { count: endpoint ? this.requestsTo(endpoint).length : this.requests.length } });
    }
    if (path === '/__sim/trip-marks' && method === 'GET') return send(res, { status: 200, body: Object.fromEntries(this.state.tripMarks) });
    if (path === '/__sim/expire-tokens' && method === 'POST') {
      this.expireTokens();
      return send(res, { status: 204 });
    }
    send(res, { status: 404, body: { message: 'unknown control route' } });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, answer: SimAnswer & { headers?: Record<string, string> }): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...answer.headers };
  let payload = answer.raw;
  if (payload === undefined && answer.body !== undefined && answer.status !== 204) payload = JSON.stringify(answer.body);
  if (payload !== undefined) headers['content-type'] = 'application/json;charset=utf-8';
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(answer.status, headers);
  res.end(payload);
}
