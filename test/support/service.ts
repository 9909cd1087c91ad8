import { Writable } from 'node:stream';
import { type Service, startService } from '../../adapters/service';
import type { CoreOptions } from '../../src/app';
import { type Clock, ManualClock } from '../../src/clock';
import type { Config, TeamsInstallSettings } from '../../src/config';
import { createLogger } from '../../src/log';
import { MANAGER_INDEX } from '../../src/sandbox/fleet';
import { OceanSimulator, type SimulatorOptions } from '../../src/sandbox/simulator';
import type { Store } from '../../src/store';
import { FakeConnector } from './fake-connector';
import { FakeSlack } from './fake-slack';
import { SIGNING_SECRET } from './slack-requests';
import { openServiceStore } from './stores';

/** Wednesday 25 November 2026, 08:30 in Paris: "yesterday" is a working Tuesday. */
export const TEST_NOW = '2026-11-25T07:30:00Z';
export const TEST_DAY = '2026-11-24';
/** The fleet's Microsoft tenant in the tests (the fake connector's activities carry it). */
export const TEAMS_TENANT = 'TENANT_FLEET';

export interface TestServiceOptions {
  slack?: boolean;
  teams?: boolean | { appId: string; password: string };
  /** The tenants Teams serves (default: the test tenant). */
  teamsTenants?: string[];
  /** Teams (emulator mode) installs the app for drivers through these Graph settings (TEAMS_INSTALL_FOR_DRIVERS). */
  teamsInstall?: TeamsInstallSettings;
  /** TEAMS_INSTALL_WELCOME. */
  teamsWelcome?: 'once' | 'off';
  web?: boolean;
  store?: Store;
  databaseUrl?: string;
  clock?: ManualClock;
  /** A clock other than the pinned one (the real clock for cron tests). */
  realClock?: Clock;
  simulator?: OceanSimulator;
  simulatorOptions?: SimulatorOptions;
  core?: Partial<CoreOptions>;
  jobs?: boolean;
  config?: Partial<Config>;
  /** Share one fake Slack between several instances. */
  fakeSlack?: FakeSlack;
  logLevel?: string;
}

export interface TestService {
  service: Service;
  url: string;
  sim: OceanSimulator;
  slack: FakeSlack;
  connector: FakeConnector;
  clock: ManualClock;
  logs: string[];
  stop(): Promise<void>;
}

/** The real service (core, HTTP server, adapters) against the simulator and the fakes, on 127.0.0.1. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const clock = options.clock ?? new ManualClock(TEST_NOW);
  const sim = options.simulator ?? new OceanSimulator({ clock, ...options.simulatorOptions });
  const ownSim = !options.simulator;
  const oceanUrl = sim.baseUrl || (await sim.start());
  const slack = options.fakeSlack ?? new FakeSlack();
  if (!slack.url) await slack.start();
  const connector = new FakeConnector();
  await connector.start();
  const logs: string[] = [];
  const logger = createLogger(
    options.logLevel ?? 'info',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        if (logs.length > 20_000) logs.shift();
        done();
      },
    }),
  );
  const manager = sim.fleet.drivers[MANAGER_INDEX]?.email as string;
  const teams = options.teams;
  const config: Config = {
    port: 0,
    sandbox: Boolean(options.web),
    ocean: { baseUrl: oceanUrl, login: sim.login, password: sim.password, customerId: undefined },
    slack: options.slack === false ? null : { botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: slack.apiUrl },
    teams:
      teams === false
        ? null
        : typeof teams === 'object'
          ? { appId: teams.appId, appPassword: teams.password, tenantId: TEAMS_TENANT, appType: 'SingleTenant', emulator: false, tenants: [TEAMS_TENANT] }
          : {
              appId: undefined,
              appPassword: undefined,
              tenantId: undefined,
              appType: 'SingleTenant',
              emulator: true,
              tenants: options.teamsTenants ?? [TEAMS_TENANT],
              serviceUrl: connector.url,
              installWelcome: options.teamsWelcome,
              install: options.teamsInstall ?? null,
            },
    publicUrl: 'http://127.0.0.1',
    databaseUrl: options.databaseUrl,
    dataDir: './data',
    timezone: 'Europe/Paris',
    dailyPromptCron: '30 8 * * *',
    reminderCron: '0 16 * * *',
    weeklyReportCron: null,
    answerDeadlineDays: 7,
    dailyClaimLeaseMs: 300_000,
    managerEmails: [manager],
    defaultLocale: 'fr',
    retentionDays: 400,
    logLevel: 'info',
    ...options.config,
  };
  // A store of its own (./stores.ts) unless a test brings one (or a server's URL).
  const own = options.store || options.databaseUrl ? undefined : await openServiceStore(options.realClock ?? clock);
  const store = options.store ?? own;
  const service = await startService(config, {
    logger,
    clock: options.realClock ?? clock,
    store,
    simulator: options.web ? sim : undefined,
    jobs: options.jobs ?? false,
    outboxBaseBackoffMs: 50,
    ...options.core,
  }).catch(async (error: unknown) => {
    // A refused start (a wrong MANAGERS scope) leaves no fake running behind it.
    await own?.close();
    if (!options.fakeSlack) await slack.stop();
    await connector.stop();
    if (ownSim) await sim.stop();
    throw error;
  });
  return {
    service,
    url: service.url,
    sim,
    slack,
    connector,
    clock,
    logs,
    async stop() {
      await service.stop();
      await own?.close();
      if (!options.fakeSlack) await slack.stop();
      await connector.stop();
      if (ownSim && !options.web) await sim.stop();
    },
  };
}

/** Polls until `check` holds: see ./wait.ts (re-exported here for the tests that import it from this file). */
export { eventually, settled } from './wait';

/** Slack users for every driver of the seeded fleet who has an e-mail: U_<index>. */
export function addFleetToSlack(t: TestService): void {
  for (const d of t.sim.fleet.drivers) {
    if (d.email)
      t.slack.addUser({
        id: `U_${d.index}`,
        team: 'T_FLEET',
        email: d.email,
        locale: d.index % 4 === 0 ? 'en-GB' : 'fr-FR',
        name: `${d.firstName} ${d.lastName}`,
      });
  }
}

/** How many prompts each Slack DM channel received (one postMessage with prompt metadata each). */
export function promptsPerChannel(t: TestService): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of t.slack.callsTo('chat.postMessage')) {
    if ((call.args.metadata as { event_type?: string } | undefined)?.event_type !== 'privacy_prompt') continue;
    const channel = String(call.args.channel);
    counts.set(channel, (counts.get(channel) ?? 0) + 1);
  }
  return counts;
}
