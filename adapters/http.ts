import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Core } from '../src/app';
import { isIsoDay } from '../src/ocean/dates';
import { seedSandboxHistory } from '../src/privacy/daily';
import type { OceanSimulator } from '../src/sandbox/simulator';
import { sendFileGone } from './pages';

/**
 * The service's one HTTP server: health, readiness and metrics here; Slack, Teams and the web
 * chat mount their routes on the same app.
 */
export function createHttpApp(core: Core, requests: RequestTracker): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    requests.track(req, res);
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const store = await core.store.ping();
    const ocean = core.oceanReachable();
    // What the operator should act on without it making the service unready (password expiry, a missing setting).
    const detail = core.ocean.operatorNotes();
    res.status(store && ocean ? 200 : 503).json({ status: store && ocean ? 'ready' : 'not ready', store, ocean, ...(detail.length ? { detail } : {}) });
  });
  app.get('/metrics', async (_req, res) => {
    core.metrics.afterAckWaiting.set(core.afterAck.waiting());
    try {
      const stats = await core.store.answers.stats();
      core.metrics.answersPending.set(stats.pending);
      core.metrics.oldestPendingAge.set(stats.oldestPendingAt ? (core.clock.now().getTime() - stats.oldestPendingAt.getTime()) / 1000 : 0);
    } catch {
      // metrics still answer when the store does not
    }
    res.setHeader('content-type', core.metrics.registry.contentType);
    res.send(await core.metrics.registry.metrics());
  });
  // Report files offered as links (Teams cannot attach files in a bot's card): a random token, RETENTION_DAYS.
  app.get('/files/:token', async (req, res) => {
    const token = req.params.token ?? '';
    const file = /^[\w-]{20,100}$/.test(token) ? await core.store.files.get(token).catch(() => undefined) : undefined;
    if (!file) return void sendFileGone(req, res, core.config.defaultLocale);
    res.setHeader('content-type', file.mime === 'text/csv' ? 'text/csv; charset=utf-8' : file.mime);
    res.setHeader('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.send(file.data);
  });
  return app;
}

/**
 * `POST /internal/daily {"day":"YYYY-MM-DD"}`: `npm run daily` beside a service that holds the
 * embedded store hands the day over here instead of opening the store a second time. Loopback
 * clients with a loopback Host only (no DNS rebinding), and the token from the store's lock file,
 * which only who can read DATA_DIR knows. Answers with the run's report. In the sandbox the day's
 * seeded answers come first, as from the web chat's button and a standalone `npm run daily`.
 */
export function mountDailyHandoff(app: Express, core: Core, token: string, simulator?: OceanSimulator): void {
  const expected = Buffer.from(`Bearer ${token}`);
  app.post('/internal/daily', express.json({ limit: '1kb' }), async (req, res) => {
    if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host)) return void res.status(403).json({ error: 'loopback only' });
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.status(401).json({ error: 'unauthorized' });
    const day: unknown = (req.body as { day?: unknown } | undefined)?.day;
    if (typeof day !== 'string' || !isIsoDay(day)) return void res.status(400).json({ error: 'day must be YYYY-MM-DD' });
    core.logger.info({ day }, 'daily run handed over by npm run daily');
    if (simulator) await seedSandboxHistory(core.store, simulator.fleet, day, core.config.timezone);
    const report = await core.dailyRun.run(day);
    res.json({ day: report.day, drivers: report.drivers, ...report.outcomes, sent: report.sent });
  });
}

export function isLoopbackAddress(address: string | undefined): boolean {
  return !!address && (/^127\./.test(address) || /^::ffff:127\./i.test(address) || address === '::1');
}

export function isLoopbackHost(host: string | undefined): boolean {
  const name = host?.replace(/:\d+$/, '').toLowerCase();
  return !!name && (name === 'localhost' || /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]');
}

/**
 * Every request gets an id (the caller's `x-request-id` when well-formed), echoed in the answer
 * and carried into the Ocean calls made for it. Work that outlives its response (what a Slack
 * handler does after its acknowledgement) is counted, so that a graceful stop can finish it.
 */
export class RequestTracker {
  private running = 0;
  private open = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly core: Core) {}

  track(req: IncomingMessage, res: ServerResponse): void {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w\-.:]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as unknown as { id: string }).id = id;
    this.open += 1;
    res.once('close', () => {
      this.open -= 1;
    });
    if (!this.core.logger.isLevelEnabled('debug')) return;
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.core.logger.debug({ requestId: id, method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(ms) }, 'http request');
    });
  }

  /** Runs work that may go on after its request was answered. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const done of this.idle.splice(0)) done();
    }
  }

  /** Requests not yet answered, and work going on after an answer (0 when idle). */
  busy(): number {
    return this.open + this.running;
  }

  /** Resolves when no such work runs any more (or after `timeoutMs`). */
  settled(timeoutMs: number): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
