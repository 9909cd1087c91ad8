import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { type Core, type CoreOptions, createCore } from '../src/app';
import { type Config, ConfigError } from '../src/config';
import { OceanError } from '../src/ocean/errors';
import { ScopeError } from '../src/privacy/scope';
import type { OceanSimulator } from '../src/sandbox/simulator';
import { heldStoreLock } from '../src/store/lock';
import { createHttpApp, mountDailyHandoff, RequestTracker } from './http';
import { mountPages } from './pages';
import { mountSlack, type SlackTransport } from './slack';
import type { TeamsTransport } from './teams';
import { mountWebChat } from './web';
import type { WebPort } from './web/port';

/** How long a start waits for Ocean's directory before it opens its port anyway. */
const DIRECTORY_WAIT_MS = 5_000;

export interface ServiceOptions extends CoreOptions {
  simulator?: OceanSimulator;
  /** Bind address; 127.0.0.1 in sandbox mode unless HOST says otherwise. */
  host?: string;
  /** Start the cron jobs and the outbox poller (the CLI's one-off runs do not). */
  jobs?: boolean;
}

export interface Service {
  core: Core;
  server: http.Server;
  url: string;
  slack: SlackTransport | undefined;
  teams: TeamsTransport | undefined;
  web: WebPort | undefined;
  simulator: OceanSimulator | undefined;
  /**
   * Work in flight, 0 when idle: requests being answered, what handlers do after their
   * acknowledgement, answers being delivered to Ocean, jobs running. Tests wait for 0 before
   * checking that something did not happen (test/support/wait.ts `settled`).
   */
  busy(): number;
  stop(): Promise<void>;
}

/** Starts everything: the core, the HTTP server with every transport, and the jobs. */
export async function startService(config: Config, options: ServiceOptions): Promise<Service> {
  const core = await createCore(config, options);
  await checkScopes(core);
  const requests = new RequestTracker(core);
  const app = createHttpApp(core, requests);
  // The embedded store this process holds: `npm run daily` hands its day over to us.
  const storeLock = config.databaseUrl || options.store ? undefined : heldStoreLock(config.dataDir);
  if (storeLock) mountDailyHandoff(app, core, storeLock.token, options.simulator);
  mountPages(app, core);
  const slack = config.slack ? await mountSlack(core, requests) : undefined;
  // botbuilder and its Azure libraries load only for a service that serves Teams (half a second of a start).
  const teams = config.teams ? (require('./teams') as typeof import('./teams')).mountTeams(app, core, requests) : undefined;
  const web = config.sandbox && options.simulator ? mountWebChat(app, core, options.simulator) : undefined;
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Errors from body parsers and routes: a client's mistake stays a 4xx; nothing leaks a stack.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    const code = status && status >= 400 && status < 500 ? status : 500;
    if (code === 500) core.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    if (!res.headersSent) res.status(code).json({ error: code === 500 ? 'internal error' : 'bad request' });
  });
  // Bolt's HTTPReceiver serves Slack's route on this same server; Express serves the others.
  const slackListener = slack?.listener;
  const server = http.createServer((req, res) => {
    if (slackListener && req.method === 'POST' && (req.url === '/slack/events' || req.url?.startsWith('/slack/events?'))) {
      requests.track(req, res);
      // A body refused for its size is not read to its end: the connection closes with the answer.
      res.once('finish', () => {
        if (res.statusCode === 413) req.destroy();
      });
      return slackListener(req, res);
    }
    app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  // Ocean's directory is loaded before the port opens, for at most DIRECTORY_WAIT_MS: 1,000
  // drivers through zod hold the event loop for about 100 ms, which the first requests of a
  // morning's restart would otherwise wait behind. Ocean down or slow: the port opens anyway.
  if (options.jobs !== false) await Promise.race([core.directory.warm(), new Promise((resolve) => setTimeout(resolve, DIRECTORY_WAIT_MS).unref())]);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host ?? (config.sandbox ? '127.0.0.1' : undefined), resolve);
  });
  const { port } = server.address() as AddressInfo;
  storeLock?.advertise(`http://127.0.0.1:${port}`);
  if (slack) await slack.start();
  if (options.jobs !== false) core.scheduler.start();
  let stopping: Promise<void> | undefined;
  return {
    core,
    server,
    url: `http://127.0.0.1:${port}`,
    slack,
    teams,
    web,
    simulator: options.simulator,
    busy: () => requests.busy() + core.busy(),
    stop() {
      // Graceful: stop taking requests, let those under way finish (with the work they do after
      // their acknowledgement), stop the jobs (the outbox finishes its batch), then close the
      // store and the simulator.
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timeout = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearTimeout(timeout);
        await requests.settled(10_000);
        if (slack) await slack.stop();
        web?.flush();
        await core.close();
        if (options.simulator) await options.simulator.stop();
      })();
      return stopping;
    },
  };
}

/**
 * MANAGERS' entities and groups, checked against Ocean before the service takes a request: a
 * wrong one stops the start, naming it. Ocean unreachable does not: the scopes are resolved at
 * their first use, and a scoped manager sees nobody until then.
 */
async function checkScopes(core: Core): Promise<void> {
  try {
    await core.scopes.check();
  } catch (error) {
    if (error instanceof OceanError) {
      core.logger.warn({ err: error.message }, 'MANAGERS not checked at start (Ocean unreachable): scopes are resolved at their first use');
      return;
    }
    await core.close();
    if (error instanceof ScopeError) throw new ConfigError('MANAGERS', error.message);
    throw error;
  }
}
