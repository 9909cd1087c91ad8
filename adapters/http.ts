import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Core } from '../src/app';

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
    res.status(store && ocean ? 200 : 503).json({ status: store && ocean ? 'ready' : 'not ready', store, ocean });
  });
  app.get('/metrics', async (_req, res) => {
    try {
      const stats = await core.store.outboxStats();
      core.metrics.answersPending.set(stats.pending);
      core.metrics.oldestPendingAge.set(stats.oldestPendingAt ? (core.clock.now().getTime() - stats.oldestPendingAt.getTime()) / 1000 : 0);
    } catch {
      // metrics still answer when the store does not
    }
    res.setHeader('content-type', core.metrics.registry.contentType);
    res.send(await core.metrics.registry.metrics());
  });
  // Report files offered as links (Teams cannot attach files in a bot's card): a random token, an hour.
  app.get('/files/:token', async (req, res) => {
    const token = req.params.token ?? '';
    const file = /^[\w-]{20,100}$/.test(token) ? await core.store.sharedFile(token).catch(() => undefined) : undefined;
    if (!file) return void res.status(404).json({ error: 'not found' });
    res.setHeader('content-type', file.mime === 'text/csv' ? 'text/csv; charset=utf-8' : file.mime);
    res.setHeader('content-disposition', `attachment; filename="${file.name.replace(/[^\w.\-]/g, '_')}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.send(file.data);
  });
  return app;
}

/**
 * Every request gets an id (the caller's `x-request-id` when well-formed), echoed in the answer
 * and carried into the Ocean calls made for it. Work that outlives its response (what a Slack
 * handler does after its acknowledgement) is counted, so that a graceful stop can finish it.
 */
export class RequestTracker {
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly core: Core) {}

  track(req: IncomingMessage, res: ServerResponse): void {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w\-.:]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as unknown as { id: string }).id = id;
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
