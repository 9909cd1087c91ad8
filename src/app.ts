import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AfterAck } from './chat/after-ack';
import { ChatRouter } from './chat/router';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { GraphClient } from './graph';
import { Scheduler } from './jobs/scheduler';
import type { Logger } from './log';
import { Metrics } from './metrics';
import { OceanClient } from './ocean';
import { AnswerService, AnswerWindow, DailyRun, Outbox, OverviewService, PromptMessages, Suggestions } from './privacy/daily';
import { OceanDirectory } from './privacy/directory';
import { LinkService, PeopleService } from './privacy/people';
import { ChatPorts } from './privacy/ports';
import { Reach, TeamsInstaller } from './privacy/reach';
import { type DigestReport, NonResponders, OwnFigures, PeriodKeys, ReportService, WeeklyDigest } from './privacy/report';
import { RetentionService } from './privacy/retention';
import { ScheduleService } from './privacy/schedule';
import { ManagerScopes } from './privacy/scope';
import { TripsService } from './privacy/trips';
import { Store } from './store';

/** Everything below the adapters, wired once: the composition of `src/`. */
export interface Core {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  ocean: OceanClient;
  directory: OceanDirectory;
  people: PeopleService;
  /** Who manages what: MANAGER_EMAILS and MANAGERS, resolved against Ocean's directory. */
  scopes: ManagerScopes;
  trips: TripsService;
  answers: AnswerService;
  /** Suggestions from drivers' own answers. */
  suggestions: Suggestions;
  /** Until when a day's trips can be answered. */
  answerWindow: AnswerWindow;
  messages: PromptMessages;
  outbox: Outbox;
  dailyRun: DailyRun;
  schedules: ScheduleService;
  reports: ReportService;
  retention: RetentionService;
  nonResponders: NonResponders;
  digest: WeeklyDigest;
  /** Installs the Teams app for drivers through Microsoft Graph (TEAMS_INSTALL_FOR_DRIVERS); absent when off. */
  teamsInstaller?: TeamsInstaller;
  router: ChatRouter;
  /** What requests do after their acknowledgement, a few at a time (src/chat/after-ack.ts). */
  afterAck: AfterAck;
  ports: ChatPorts;
  scheduler: Scheduler<DigestReport>;
  worker: string;
  /** Ocean answered the last time we asked (for /readyz). */
  oceanReachable: () => boolean;
  /** Work under way in the background: jobs and answers being delivered (0 when idle). */
  busy(): number;
  close(): Promise<void>;
}

export interface CoreOptions {
  clock?: Clock;
  logger: Logger;
  /** Stores for tests (an already open store). */
  store?: Store;
  worker?: string;
  runLeaseMs?: number;
  promptLeaseMs?: number;
  outboxIntervalMs?: number;
  outboxBaseBackoffMs?: number;
  oceanTimeoutMs?: number;
  oceanMaxConcurrency?: number;
}

export async function createCore(config: Config, options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const metrics = new Metrics();
  const worker = options.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const store = options.store ?? (await Store.open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, clock }));
  // The embedded store has one process at a time (its lock): leases found at start are a dead one's.
  if (store.kind === 'pglite' && !options.store) {
    const freed = await store.answers.releaseLeases();
    if (freed) logger.warn({ answers: freed }, 'deliveries interrupted by the last stop resume now');
  }
  let lastOceanOk = true;
  if (!config.ocean.baseUrl) throw new Error('no Ocean base URL: start the simulator first in sandbox mode');
  const ocean = new OceanClient({
    baseUrl: config.ocean.baseUrl,
    login: config.ocean.login,
    password: config.ocean.password,
    customerId: config.ocean.customerId,
    codeExploitant: config.ocean.codeExploitant,
    tripTimes: { reading: config.ocean.tripTimes ?? 'utc', fleetZone: config.timezone },
    onLogin: ({ passwordExpirationRemainingDays: days }) => metrics.oceanPasswordDaysLeft.set(days ?? Number.NaN),
    clock,
    timeoutMs: options.oceanTimeoutMs,
    maxConcurrency: options.oceanMaxConcurrency,
    logger: logger.child({ component: 'ocean' }),
    onCall: (event) => {
      metrics.oceanDuration.observe({ endpoint: event.endpoint, status: String(event.status) }, event.durationMs / 1000);
      if (event.status === 'error' || (typeof event.status === 'number' && event.status >= 500)) lastOceanOk = false;
      else lastOceanOk = true;
    },
  });
  const zone = config.timezone;
  const directory = new OceanDirectory(ocean, clock);
  metrics.oceanPasswordDaysLeft.set(Number.NaN);
  const ports = new ChatPorts();
  const scopes = new ManagerScopes({
    settings: config.managers ?? [],
    fleetEmails: config.managerEmails,
    directory,
    logger: logger.child({ component: 'scopes' }),
  });
  const people = new PeopleService({
    store,
    directory,
    ports,
    scopes,
    defaultLocale: config.defaultLocale,
    clock,
    logger: logger.child({ component: 'people' }),
  });
  const trips = new TripsService(ocean, directory, zone, clock);
  const answerWindow = new AnswerWindow(zone, config.answerDeadlineDays, clock);
  const suggestions = new Suggestions({ store, zone, logger: logger.child({ component: 'suggestions' }) });
  const overview = new OverviewService({ store, clock, window: answerWindow, suggestions, zone });
  const messages = new PromptMessages({
    store,
    ports,
    clock,
    zone,
    window: answerWindow,
    suggestions,
    overview,
    defaultLocale: config.defaultLocale,
    logger: logger.child({ component: 'messages' }),
  });
  const outbox = new Outbox({
    store,
    ocean,
    messages,
    clock,
    worker,
    logger: logger.child({ component: 'outbox' }),
    baseBackoffMs: options.outboxBaseBackoffMs,
    metrics: {
      delivered: (n) => metrics.answersDelivered.inc(n),
      refused: (n) => metrics.answersRefused.inc(n),
      failed: (n) => metrics.answerRetries.inc(n),
      unconfirmed: (n) => metrics.answersUnconfirmed.inc(n),
    },
  });
  const answers = new AnswerService({ store, zone, window: answerWindow, suggestions });
  const install = config.teams?.install;
  const graph = install
    ? new GraphClient({
        graphUrl: install.graphUrl,
        loginUrl: install.loginUrl,
        clientId: install.clientId,
        clientSecret: install.clientSecret,
        logger: logger.child({ component: 'graph' }),
        onRateLimited: () => metrics.chatRateLimited.inc({ platform: 'graph' }),
      })
    : undefined;
  const installer =
    graph && install && config.teams
      ? new TeamsInstaller({
          store,
          graph,
          ports,
          tenants: config.teams.tenants,
          teamsAppId: install.teamsAppId,
          logger: logger.child({ component: 'teams-installs' }),
        })
      : undefined;
  const dailyRun = new DailyRun({
    store,
    directory,
    trips,
    ports,
    messages,
    zone,
    clock,
    window: answerWindow,
    suggestions,
    defaultLocale: config.defaultLocale,
    worker,
    leaseMs: options.promptLeaseMs ?? config.dailyClaimLeaseMs,
    installer,
    logger: logger.child({ component: 'daily' }),
    metrics: { sent: (p) => metrics.promptsSent.inc({ platform: p }), failed: (p) => metrics.promptsFailed.inc({ platform: p }) },
  });
  const schedules = new ScheduleService({ ocean, trips, store, zone, clock, logger: logger.child({ component: 'schedules' }) });
  const reports = new ReportService({
    ocean,
    directory,
    store,
    zone,
    keys: new PeriodKeys({ privateKeys: config.ocean.privateKeys, professionalKeys: config.ocean.professionalKeys }),
    logger: logger.child({ component: 'report' }),
  });
  const retention = new RetentionService({
    store,
    directory,
    deliverDue: () => outbox.drain(),
    zone,
    clock,
    retentionDays: config.retentionDays,
    messages,
    logger: logger.child({ component: 'retention' }),
  });
  const nonResponders = new NonResponders({ store, directory, window: answerWindow, reminders: dailyRun });
  const digest = new WeeklyDigest({
    store,
    reports,
    nonResponders,
    ports,
    zone,
    defaultLocale: config.defaultLocale,
    managerEmails: scopes.emails(),
    people,
    slackReportChannel: config.slackReportChannel,
    worker,
    leaseMs: options.runLeaseMs,
    logger: logger.child({ component: 'digest' }),
  });
  const afterAck = new AfterAck();
  const router = new ChatRouter({
    store,
    people,
    answers,
    links: new LinkService({ store, directory, ports, defaultLocale: config.defaultLocale, logger: logger.child({ component: 'links' }) }),
    overview,
    messages,
    reports,
    own: new OwnFigures({ reports, store }),
    scopes,
    nonResponders,
    reach: new Reach({ store, directory, ports }),
    schedules,
    retention,
    zone,
    clock,
    window: answerWindow,
    weeklyDigest: config.weeklyReportCron !== null,
    defaultLocale: config.defaultLocale,
    logger: logger.child({ component: 'chat' }),
    onAnswersRecorded: () => outbox.kick(),
    installWelcome: config.teams?.installWelcome,
  });
  const scheduler = new Scheduler({
    store,
    dailyRun,
    outbox,
    purge: () => retention.purge(),
    digest,
    clock,
    zone,
    dailyCron: config.dailyPromptCron,
    reminderCron: config.reminderCron,
    weeklyCron: config.weeklyReportCron,
    worker,
    runLeaseMs: options.runLeaseMs,
    outboxIntervalMs: options.outboxIntervalMs,
    logger: logger.child({ component: 'scheduler' }),
    metrics: { cronRun: (job, outcome) => metrics.cronRuns.inc({ job, outcome }) },
  });
  return {
    config,
    clock,
    logger,
    metrics,
    store,
    ocean,
    directory,
    people,
    scopes,
    trips,
    answers,
    suggestions,
    answerWindow,
    messages,
    outbox,
    dailyRun,
    schedules,
    reports,
    retention,
    nonResponders,
    digest,
    teamsInstaller: installer,
    router,
    afterAck,
    ports,
    scheduler,
    worker,
    oceanReachable: () => lastOceanOk,
    busy: () => scheduler.busy() + outbox.busy(),
    async close() {
      await scheduler.stop();
      await ocean.close();
      await graph?.close();
      if (!options.store) await store.close();
    },
  };
}
