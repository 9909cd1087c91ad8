import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of Slack's Web API on 127.0.0.1 that records every call (method and arguments, as the
 * WebClient sent them), plus the `response_url` and file-upload endpoints. It can be told to
 * answer 429 with Retry-After. Tests assert on what it recorded.
 */

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** What the fake answered (successful calls). */
  result?: Record<string, unknown>;
}

export interface FakeUser {
  id: string;
  team: string;
  email?: string;
  locale?: string;
  name: string;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly uploads: { fileId: string; bytes: Buffer }[] = [];
  readonly users = new Map<string, FakeUser>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  private nextTs = 1_700_000_000;
  private rateLimits: { method: string; remaining: number; retryAfter: number }[] = [];
  /** Calls a second allowed per method before 429 (0: unlimited). */
  perSecond = new Map<string, number>();
  private windows = new Map<string, { start: number; count: number }>();
  url = '';
  /** Added before answering chat.postMessage (a slow Slack, for runs to be caught in the middle). */
  postLatencyMs = 0;
  /** Added before answering any call (a slow Slack). */
  latencyMs = 0;
  /** What `apps.connections.open` hands out (a FakeSocketMode's URL). */
  socketUrl = '';
  /** Methods answered `{ ok: false, error }` whatever is asked (Slack failing for that method). */
  failing = new Map<string, string>();

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  responseUrl(id: string = randomUUID()): string {
    return `${this.url}/response/${id}`;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** The next `count` calls of `method` answer 429 with this Retry-After (seconds). */
  rateLimit(method: string, count: number, retryAfter = 1): void {
    this.rateLimits.push({ method, remaining: count, retryAfter });
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.uploads.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/response/')) {
      this.responses.push({ id: url.pathname.slice(10), body: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown> });
      return json(200, { ok: true });
    }
    if (url.pathname.startsWith('/upload/')) {
      this.uploads.push({ fileId: url.pathname.slice(8), bytes: raw });
      res.writeHead(200).end('OK');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw.toString('utf8'), req.headers['content-type'] ?? '');
    const limit = this.rateLimits.find((r) => (r.method === method || r.method === '*') && r.remaining > 0);
    if (limit) {
      limit.remaining -= 1;
      this.calls.push({ method: `${method}:429`, args, at: Date.now() });
      return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
    }
    const failure = this.failing.get(method);
    if (failure) {
      this.calls.push({ method: `${method}:${failure}`, args, at: Date.now() });
      return json(200, { ok: false, error: failure });
    }
    const allowed = this.perSecond.get(method) ?? 0;
    if (allowed > 0) {
      const now = Date.now();
      const w = this.windows.get(method) ?? { start: now, count: 0 };
      if (now - w.start >= 1000) Object.assign(w, { start: now, count: 0 });
      w.count += 1;
      this.windows.set(method, w);
      if (w.count > allowed) {
        this.calls.push({ method: `${method}:429`, args, at: now });
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      }
    }
    if (method === 'chat.postMessage' && this.postLatencyMs) await new Promise((r) => setTimeout(r, this.postLatencyMs));
    const result = this.answer(method, args);
    this.calls.push({ method, args, at: Date.now(), result });
    return json(200, result);
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed_token_type' };
      case 'auth.test':
        return { ok: true, user_id: 'U_BOT', bot_id: 'B_BOT', team_id: 'T_FLEET' };
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id,
            team_id: user.team,
            name: user.name,
            real_name: user.name,
            locale: user.locale,
            profile: { email: user.email, real_name: user.name },
          },
        };
      }
      case 'users.lookupByEmail': {
        const user = [...this.users.values()].find((u) => u.email === args.email);
        if (!user) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: { id: user.id, team_id: user.team, name: user.name, real_name: user.name, profile: { email: user.email } } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D_${String(args.users)}` } };
      case 'chat.postMessage':
        this.nextTs += 1;
        return { ok: true, channel: args.channel, ts: `${this.nextTs}.000100`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'conversations.history': {
        const channel = String(args.channel);
        const messages = this.callsTo('chat.postMessage')
          .filter((c) => c.args.channel === channel)
          .map((c, i) => ({ ts: `${i}`, metadata: c.args.metadata }));
        return { ok: true, messages };
      }
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: { id: 'V_1' } };
      case 'files.getUploadURLExternal': {
        const id = `F_${randomUUID().slice(0, 8)}`;
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F_1' }] };
      default:
        return { ok: true };
    }
  }
}

/** The WebClient sends form-encoded arguments with JSON-encoded objects inside; Bolt's respond sends JSON. */
function parseArgs(body: string, contentType: string): Record<string, unknown> {
  if (!body) return {};
  if (contentType.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}
