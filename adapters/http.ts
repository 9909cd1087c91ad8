import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Core } from '../src/app';
import type { AfterAck } from './after-ack';

/**
 * The service's one HTTP server: health, readiness and metrics here; Slack, Teams and the web
 * chat mount their routes on the same app.
 */
export function createHttpApp(core: Core, afterAck: AfterAck): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    trackRequest(core, afterAck, req, res);
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
 * Gives the request its id (the caller's `x-request-id` when well-formed), echoes it, and counts
 * it as waiting until its response is sent or its client goes away: work after an
 * acknowledgement yields to requests still waiting for theirs.
 */
export function trackRequest(core: Core, afterAck: AfterAck, req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w\-.:]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  (req as unknown as { id: string }).id = id;
  const started = process.hrtime.bigint();
  afterAck.requestStarted();
  // 'close' comes once, after the response is sent or when the client went away.
  res.once('close', () => {
    afterAck.requestFinished();
    if (core.logger.isLevelEnabled('debug')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      core.logger.debug({ requestId: id, method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(ms) }, 'http request');
    }
  });
}
