import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Fakes of Microsoft's identity platform (the token endpoint) and of the few Microsoft Graph
 * calls that install a Teams app for a user, on 127.0.0.1. Both record what they received.
 * A token names its tenant (`fake-<tenant>-<n>`): Graph reads the tenant from it, as the real
 * one does from its claims.
 */

export interface LoginCall {
  method: string;
  path: string;
  form: Record<string, string>;
}

export class FakeLogin {
  readonly calls: LoginCall[] = [];
  private issued = 0;
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';
  /** When set, the token endpoint refuses (a wrong secret, no consent). */
  refuse = false;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Token requests, the only calls a well-configured client makes. */
  tokenRequests(): LoginCall[] {
    return this.calls.filter((c) => c.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(c.path));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    this.calls.push({ method: req.method ?? 'GET', path, form });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method !== 'POST' || !match) return json(404, { error: 'not_found' });
    if (this.refuse || form.grant_type !== 'client_credentials' || !form.client_id || !form.client_secret)
      return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
    this.issued += 1;
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: `fake-${match[1]}-${this.issued}` });
  }
}

export interface GraphCall {
  method: string;
  path: string;
  query: string;
  tenant: string | undefined;
  status: number;
  at: number;
  body: Record<string, unknown> | undefined;
}

export interface FakeGraphOptions {
  /** The app's id in the organisation's catalogue: an install naming another is refused (404). */
  teamsAppId: string;
  /**
   * Every Nth call to a tenant's Teams installations (installs and reads counted apart) answers
   * 429 with this Retry-After, in seconds.
   */
  throttle?: { every: number; retryAfterSeconds: number };
  /** Teams announces each new install to the bot (an installationUpdate), before Graph answers. */
  announce?: (tenant: string, userId: string) => Promise<void>;
}

type Bucket = 'install' | 'read';

/**
 * How long after a 429 a call on another connection may still arrive that was sent before the
 * client read the 429 (on a loaded machine this fake may handle a call long after it was sent).
 * On the connection that carried the 429 there is no doubt: HTTP/1.1 sends the next request on
 * it only once the response came back, so any call there before Retry-After is early.
 */
const IN_FLIGHT_MS = 300;

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Users by e-mail (lower case): their id and tenant. */
  readonly users = new Map<string, { id: string; tenant: string }>();
  /** Installations by user id. */
  readonly installed = new Map<string, string>();
  /** Users whose tenant refuses the install (an app permission policy): 403. */
  readonly refused = new Set<string>();
  /** Installs answered 201, by user id: more than one would be a second install. */
  readonly created = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  /** When a tenant's bucket may be called again after a 429, and calls that came before that. */
  private readonly pausedUntil = new Map<string, { at: number; until: number }>();
  /** The 429 each connection carried last: its bucket and until when it paused it. */
  private readonly throttledOn = new WeakMap<object, { bucket: string; until: number }>();
  readonly earlyAfter429: GraphCall[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  constructor(private readonly options: FakeGraphOptions) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1.0`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addUser(email: string, id: string, tenant: string): void {
    this.users.set(email.toLowerCase(), { id, tenant });
  }

  callsTo(kind: 'users' | 'install' | 'installations' | 'chat'): GraphCall[] {
    return this.calls.filter((c) => callKind(c.method, c.path) === kind);
  }

  /** 429s answered. */
  throttled(): GraphCall[] {
    return this.calls.filter((c) => c.status === 429);
  }

  /** The most calls of one tenant's bucket that Graph received within any one second. */
  peakPerSecond(bucket: Bucket): number {
    const byTenant = new Map<string, number[]>();
    for (const c of this.calls) {
      const kind = callKind(c.method, c.path);
      if (!kind || bucketOf(kind) !== bucket) continue;
      const list = byTenant.get(c.tenant ?? '') ?? [];
      list.push(c.at);
      byTenant.set(c.tenant ?? '', list);
    }
    let peak = 0;
    for (const times of byTenant.values()) {
      times.sort((a, b) => a - b);
      let start = 0;
      for (let end = 0; end < times.length; end += 1) {
        while ((times[end] as number) - (times[start] as number) >= 1000) start += 1;
        peak = Math.max(peak, end - start + 1);
      }
    }
    return peak;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\.0/, ''));
    const method = req.method ?? 'GET';
    const tenant = /^Bearer fake-(.+)-\d+$/.exec(req.headers.authorization ?? '')?.[1];
    const call: GraphCall = {
      method,
      path,
      query: decodeURIComponent(url.search),
      tenant,
      status: 0,
      at: Date.now(),
      body: text ? JSON.parse(text) : undefined,
    };
    this.calls.push(call);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, headers?: Record<string, string>) => answer(status, { error: { code, message } }, headers);
    if (!tenant) return error(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const kind = callKind(method, path);
    if (kind === 'install' || kind === 'installations' || kind === 'chat') {
      const bucket = `${tenant}|${bucketOf(kind)}`;
      // Early: on the connection that carried the 429, or well after it on another (IN_FLIGHT_MS).
      const paused = this.pausedUntil.get(bucket);
      const sameConnection = this.throttledOn.get(req.socket);
      if ((sameConnection?.bucket === bucket && sameConnection.until > call.at) || (paused && paused.until > call.at && call.at - paused.at > IN_FLIGHT_MS))
        this.earlyAfter429.push(call);
      const n = (this.counters.get(bucket) ?? 0) + 1;
      this.counters.set(bucket, n);
      const throttle = this.options.throttle;
      if (throttle && n % throttle.every === 0) {
        const until = call.at + throttle.retryAfterSeconds * 1000;
        this.pausedUntil.set(bucket, { at: call.at, until });
        this.throttledOn.set(req.socket, { bucket, until });
        return error(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(throttle.retryAfterSeconds) });
      }
    }
    const userOf = (id: string) => [...this.users.values()].find((u) => u.id === id && u.tenant === tenant);
    let m: RegExpExecArray | null;
    if (kind === 'users' && (m = /^\/users\/([^/]+)$/.exec(path))) {
      const user = this.users.get((m[1] as string).toLowerCase());
      if (!user || user.tenant !== tenant) return error(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist.`);
      return answer(200, { id: user.id, userPrincipalName: m[1], mail: m[1] });
    }
    if (kind === 'install' && (m = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path))) {
      const userId = m[1] as string;
      if (!userOf(userId)) return error(404, 'NotFound', 'User not found.');
      const bind = String(call.body?.['teamsApp@odata.bind'] ?? '');
      if (!bind.endsWith(`/appCatalogs/teamsApps/${this.options.teamsAppId}`)) return error(404, 'NotFound', 'App not found in the catalogue.');
      if (this.refused.has(userId)) return error(403, 'Forbidden', 'App installation is blocked by the app permission policy.');
      if (this.installed.has(userId)) return error(409, 'Conflict', 'App is already installed.');
      this.installed.set(userId, `inst-${userId}`);
      this.created.set(userId, (this.created.get(userId) ?? 0) + 1);
      await this.options.announce?.(tenant, userId);
      return answer(201);
    }
    if (kind === 'installations' && (m = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path))) {
      const installation = this.installed.get(m[1] as string);
      const wanted = /teamsApp\/id eq '([^']+)'/.exec(call.query)?.[1];
      return answer(200, {
        value: installation && wanted === this.options.teamsAppId ? [{ id: installation, teamsApp: { id: this.options.teamsAppId } }] : [],
      });
    }
    if (kind === 'chat' && (m = /^\/users\/([^/]+)\/teamwork\/installedApps\/([^/]+)\/chat$/.exec(path))) {
      if (this.installed.get(m[1] as string) !== m[2]) return error(404, 'NotFound', 'Installation not found.');
      return answer(200, { id: `19:${m[1]}_bot@unq.gbl.spaces`, chatType: 'oneOnOne' });
    }
    return error(404, 'NotFound', 'No such call in the fake.');
  }
}

function callKind(method: string, path: string): 'users' | 'install' | 'installations' | 'chat' | undefined {
  if (method === 'GET' && /^\/users\/[^/]+$/.test(path)) return 'users';
  if (method === 'POST' && /^\/users\/[^/]+\/teamwork\/installedApps$/.test(path)) return 'install';
  if (method === 'GET' && /^\/users\/[^/]+\/teamwork\/installedApps$/.test(path)) return 'installations';
  if (method === 'GET' && /^\/users\/[^/]+\/teamwork\/installedApps\/[^/]+\/chat$/.test(path)) return 'chat';
  return undefined;
}

function bucketOf(kind: 'users' | 'install' | 'installations' | 'chat'): Bucket | undefined {
  if (kind === 'install') return 'install';
  if (kind === 'installations' || kind === 'chat') return 'read';
  return undefined;
}
