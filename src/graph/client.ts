import Bottleneck from 'bottleneck';
import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { Log } from '../log';
import { GraphError, graphKindForStatus, retryAfterMs } from './errors';
import { GraphTokens } from './token';

export interface GraphSettings {
  /** `https://graph.microsoft.com/v1.0` (GRAPH_API_URL). */
  graphUrl: string;
  /** `https://login.microsoftonline.com` (MICROSOFT_LOGIN_URL). */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Calls a second per tenant to Teams' app installations, for each of its two limits (installs,
   * and reads). Graph allows 30; a little under leaves room for clocks that disagree.
   */
  installsPerSecond?: number;
  /** Attempts of one call (429 and 5xx are retried; a 429 waits its Retry-After). */
  maxAttempts?: number;
  /** Longest Retry-After honoured as given; longer ones are cut to it. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  logger?: Log;
  /** Called on each 429, with the tenant and the wait Graph asked for. */
  onRateLimited?: (tenantId: string, retryAfterMs: number) => void;
}

const UserSchema = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish(), mail: z.string().nullish() });
const InstallationsSchema = z.object({ value: z.array(z.object({ id: z.string().min(1) })) });
const ChatSchema = z.object({ id: z.string().min(1) });
const ErrorBodySchema = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

type Bucket = 'install' | 'read' | 'directory';

/** What a queued call returns when its turn came during a pause. */
const PAUSED = Symbol('paused');

/**
 * The few Microsoft Graph calls that install the Teams app for a user and find their chat with
 * the bot, with an application token per tenant. Teams' installation calls are paced per tenant
 * under Graph's limit (30 a second for installs, 30 for reads); a 429 pauses that tenant's calls
 * for its Retry-After and the call is tried again.
 */
export class GraphClient {
  private readonly tokens: GraphTokens;
  private readonly agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  private readonly limiters = new Map<string, Bottleneck>();
  /** Until when a tenant's bucket waits after a 429. */
  private readonly pausedUntil = new Map<string, number>();
  private readonly base: string;
  private readonly retryPolicy;

  constructor(private readonly settings: GraphSettings) {
    this.base = settings.graphUrl.replace(/\/+$/, '');
    // The token's audience is Graph's origin (a national cloud has its own); a fake on loopback stands for the public one.
    const origin = new URL(this.base);
    const scope = origin.protocol === 'https:' ? `${origin.origin}/.default` : 'https://graph.microsoft.com/.default';
    this.tokens = new GraphTokens({ clientId: settings.clientId, clientSecret: settings.clientSecret, loginUrl: settings.loginUrl, scope });
    const maxRetryAfterMs = settings.maxRetryAfterMs ?? 60_000;
    this.retryPolicy = retry(
      handleWhen((error) => error instanceof GraphError && (error.kind === 'rateLimited' || error.kind === 'unavailable')),
      {
        maxAttempts: (settings.maxAttempts ?? 6) - 1,
        backoff: new DelegateBackoff((context) => {
          const error = 'error' in context.result ? context.result.error : undefined;
          if (error instanceof GraphError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, maxRetryAfterMs);
          return Math.min(10_000, 250 * 2 ** context.attempt) * (0.5 + Math.random() / 2);
        }),
      },
    );
  }

  /** The user of the tenant with this e-mail (or UPN); undefined when the tenant has none. */
  async user(tenantId: string, email: string): Promise<{ id: string } | undefined> {
    try {
      const body = await this.call(tenantId, 'directory', 'GET', `/users/${encodeURIComponent(email)}?$select=id,userPrincipalName,mail`, 'users.get');
      return { id: this.parse(UserSchema, body, 'users.get').id };
    } catch (error) {
      if (error instanceof GraphError && error.kind === 'notFound') return undefined;
      throw error;
    }
  }

  /** Installs the catalogue app in the user's personal scope: 'installed' (201), or 'already' (409). */
  async install(tenantId: string, userId: string, teamsAppId: string): Promise<'installed' | 'already'> {
    try {
      await this.call(tenantId, 'install', 'POST', `/users/${encodeURIComponent(userId)}/teamwork/installedApps`, 'installedApps.post', {
        'teamsApp@odata.bind': `${this.base}/appCatalogs/teamsApps/${encodeURIComponent(teamsAppId)}`,
      });
      return 'installed';
    } catch (error) {
      if (error instanceof GraphError && error.status === 409) return 'already';
      throw error;
    }
  }

  /** The id of the app's installation for the user, when it is installed. */
  async installation(tenantId: string, userId: string, teamsAppId: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`teamsApp/id eq '${teamsAppId.replace(/'/g, "''")}'`);
    const body = await this.call(
      tenantId,
      'read',
      'GET',
      `/users/${encodeURIComponent(userId)}/teamwork/installedApps?$expand=teamsApp&$filter=${filter}`,
      'installedApps.list',
    );
    return this.parse(InstallationsSchema, body, 'installedApps.list').value[0]?.id;
  }

  /** The one-on-one chat between the user and the bot of that installation. */
  async chat(tenantId: string, userId: string, installationId: string): Promise<string> {
    const body = await this.call(
      tenantId,
      'read',
      'GET',
      `/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`,
      'installedApps.chat',
    );
    return this.parse(ChatSchema, body, 'installedApps.chat').id;
  }

  async close(): Promise<void> {
    await Promise.all([...this.limiters.values()].map((l) => l.stop({ dropWaitingJobs: true }).catch(() => undefined)));
    await this.agent.close();
  }

  private limiter(tenantId: string, bucket: Bucket): Bottleneck {
    const key = `${tenantId}|${bucket}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      // The directory has far higher limits than Teams' installations: only bounded in flight.
      const perSecond = bucket === 'directory' ? undefined : (this.settings.installsPerSecond ?? 27);
      limiter = new Bottleneck({ maxConcurrent: 16, minTime: perSecond ? Math.ceil(1000 / perSecond) : 0 });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /**
   * One Graph call through its tenant's pace, retried on 429 (after Retry-After) and 5xx. A call
   * whose turn comes while its bucket is paused goes back in the queue, so that nothing leaves
   * before the pause is over and the calls after it keep their pace.
   */
  private call(tenantId: string, bucket: Bucket, method: 'GET' | 'POST', path: string, endpoint: string, body?: unknown): Promise<unknown> {
    const key = `${tenantId}|${bucket}`;
    const limiter = this.limiter(tenantId, bucket);
    return this.retryPolicy.execute(async () => {
      for (;;) {
        const outcome = await limiter.schedule(async () => {
          if ((this.pausedUntil.get(key) ?? 0) > Date.now()) return PAUSED;
          try {
            return { value: await this.send(tenantId, method, path, endpoint, body) };
          } catch (error) {
            if (error instanceof GraphError && error.kind === 'rateLimited') this.pause(key, tenantId, bucket, limiter, error.retryAfterMs ?? 1000);
            throw error;
          }
        });
        if (outcome !== PAUSED) return outcome.value;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, (this.pausedUntil.get(key) ?? 0) - Date.now())));
      }
    });
  }

  /** Graph said 429: nothing more leaves for this tenant's bucket until Retry-After has passed. */
  private pause(key: string, tenantId: string, bucket: Bucket, limiter: Bottleneck, retryAfterMs: number): void {
    const until = Date.now() + retryAfterMs;
    if (until <= (this.pausedUntil.get(key) ?? 0)) return;
    this.pausedUntil.set(key, until);
    this.settings.onRateLimited?.(tenantId, retryAfterMs);
    this.settings.logger?.warn({ bucket, retryAfterMs }, 'Graph asked to slow down (429)');
    void limiter.updateSettings({ reservoir: 0 });
    setTimeout(() => void limiter.updateSettings({ reservoir: null }), retryAfterMs).unref();
  }

  private async send(tenantId: string, method: 'GET' | 'POST', path: string, endpoint: string, body?: unknown): Promise<unknown> {
    const token = await this.tokens.token(tenantId);
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${this.base}${path}`, {
        method,
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.settings.timeoutMs ?? 30_000,
        bodyTimeout: this.settings.timeoutMs ?? 30_000,
      });
    } catch (error) {
      throw new GraphError({ kind: 'unavailable', endpoint, code: (error as { code?: string }).code, cause: error });
    }
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (!text) return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new GraphError({ kind: 'badResponse', endpoint, status: response.statusCode, cause: error });
      }
    }
    let code: string | undefined;
    try {
      code = ErrorBodySchema.safeParse(JSON.parse(text)).data?.error.code;
    } catch {
      code = undefined;
    }
    throw new GraphError({
      kind: graphKindForStatus(response.statusCode),
      endpoint,
      status: response.statusCode,
      code,
      retryAfterMs: response.statusCode === 429 || response.statusCode === 503 ? retryAfterMs(response.headers['retry-after']) : undefined,
    });
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown, endpoint: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new GraphError({ kind: 'badResponse', endpoint, code: parsed.error.issues[0]?.message });
    return parsed.data;
  }
}
