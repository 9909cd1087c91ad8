import { TeamsInstaller } from '../../src/privacy/reach/teams-installs';
import { cardsOf } from '../support/cards';
import { FakeGraph, FakeLogin } from '../support/fake-graph';
import { startTestService, TEAMS_TENANT, TEST_DAY, type TestService } from '../support/service';
import { sendToTeams, teamsInstalledFor, teamsMessage } from '../support/teams';
import { plainJson } from '../support/text';

/**
 * TEAMS_INSTALL_FOR_DRIVERS: the bot installs its Teams app for drivers who never did, through
 * Microsoft Graph, before the daily prompts. Graph and the token endpoint are fakes on 127.0.0.1.
 */
const APP = 'catalog-app-1';
const NOT_IN_TENANT = 9;
const REFUSED = 11;
const aad = (index: number) => `aad-g${index}`;

let t: TestService;
let graph: FakeGraph;
let login: FakeLogin;

beforeAll(async () => {
  login = new FakeLogin();
  await login.start();
  graph = new FakeGraph({ teamsAppId: APP, throttle: { every: 12, retryAfterSeconds: 1 } });
  await graph.start();
  t = await startTestService({
    slack: false,
    teamsInstall: { clientId: 'bot-app-id', clientSecret: 'bot-secret', teamsAppId: APP, graphUrl: graph.url, loginUrl: login.url },
  });
  for (const driver of t.sim.fleet.drivers) {
    if (!driver.email || driver.index === NOT_IN_TENANT) continue;
    graph.addUser(driver.email, aad(driver.index), TEAMS_TENANT);
    if (driver.index === REFUSED) graph.refused.add(aad(REFUSED));
  }
  // The manager uses Teams already.
  const boss = t.sim.fleet.byIndex(0);
  t.connector.members.set('29:boss', { id: '29:boss', aadObjectId: aad(0), name: 'Boss', email: boss.email as string });
}, 30_000);
afterAll(async () => {
  await t.stop();
  await graph.stop();
  await login.stop();
});

describe('installing the Teams app for drivers through Microsoft Graph', () => {
  let sent: Set<number>;

  it('one daily run installs the app for every driver with an e-mail and prompts them all', async () => {
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    sent = new Set(report.sent.map((s) => s.individuId));
    const reachable = t.sim.fleet.drivers.filter((d) => d.email && d.vehicleId !== null && d.index !== NOT_IN_TENANT && d.index !== REFUSED);
    // Each reachable driver has the app (one install each), a conversation, and got their prompt if they drove.
    for (const driver of reachable) expect(graph.created.get(aad(driver.index)) ?? 0).toBe(1);
    expect(report.outcomes.unreachable).toBe(
      t.sim.fleet.drivers.filter((d) => (!d.email || d.index === NOT_IN_TENANT || d.index === REFUSED) && d.vehicleId !== null).length,
    );
    expect(sent.size).toBeGreaterThanOrEqual(15);
    for (const id of sent) {
      const driver = t.sim.fleet.drivers.find((d) => d.individuId === id)!;
      expect(t.connector.sent().some((c) => c.conversationId === `19:${aad(driver.index)}_bot@unq.gbl.spaces`)).toBe(true);
    }
  }, 60_000);

  it('asks for tokens by client credentials at the login URL only, and installs the catalogue app', () => {
    expect(login.calls.length).toBeGreaterThan(0);
    expect(login.calls).toEqual(login.tokenRequests());
    for (const call of login.tokenRequests()) {
      expect(call.path).toBe(`/${TEAMS_TENANT}/oauth2/v2.0/token`);
      expect(call.form).toMatchObject({ grant_type: 'client_credentials', client_id: 'bot-app-id', scope: 'https://graph.microsoft.com/.default' });
    }
    // MSAL keeps the token: a handful of requests, not one per call.
    expect(login.tokenRequests().length).toBeLessThanOrEqual(2);
    const install = graph.callsTo('install')[0]!;
    expect(install.body).toEqual({ 'teamsApp@odata.bind': `${graph.url}/appCatalogs/teamsApps/${APP}` });
    expect(install.tenant).toBe(TEAMS_TENANT);
  });

  it('keeps under 30 installation calls a second and waits out every 429 for its Retry-After', () => {
    expect(graph.throttled().length).toBeGreaterThan(0);
    expect(graph.earlyAfter429).toEqual([]);
    expect(graph.peakPerSecond('install')).toBeLessThanOrEqual(30);
    expect(graph.peakPerSecond('read')).toBeLessThanOrEqual(30);
  });

  it('records who cannot be reached and why, and the unanswered list says so', async () => {
    const reasons = await t.service.core.store.reach.problems();
    expect(reasons.get(t.sim.fleet.byIndex(NOT_IN_TENANT).individuId)?.reason).toBe('notInTenant');
    expect(reasons.get(t.sim.fleet.byIndex(REFUSED).individuId)).toMatchObject({ reason: 'installRefused', detail: 'Forbidden' });
    expect(reasons.get(t.sim.fleet.byIndex(7).individuId)?.reason).toBe('noEmail');
    t.connector.reset();
    await sendToTeams(t.url, teamsMessage(t.connector.url, { id: '29:boss', name: 'Boss' }, 'privacy-report unanswered'));
    const text = plainJson(t.connector.sent().map((c) => cardsOf(c.body)));
    expect(text).toContain('Injoignables par le bot');
    expect(text).toContain('introuvable dans l’annuaire Microsoft');
    expect(text).toContain('l’installation de l’app Teams pour lui a été refusée');
    expect(text).toContain('pas d’e-mail dans Ocean');
  });

  it('a second run installs nothing again', async () => {
    const installs = graph.callsTo('install').length;
    const report = await t.service.core.teamsInstaller!.reach((await t.service.core.directory.all()).filter((d) => d.vehicles.length > 0));
    // Only the refused and the one not in the tenant are tried again (an administrator may have fixed it).
    expect(report.candidates).toBe(2);
    expect(graph.callsTo('install').length).toBe(installs + 1);
  });

  it('after a restart between the install and the chat, it resumes without installing twice', async () => {
    const store = t.service.core.store;
    const lost = [1, 2, 3].map((i) => t.sim.fleet.byIndex(i));
    for (const driver of lost) {
      const person = (await store.people.forIndividu(driver.individuId)).find((p) => p.platform === 'teams')!;
      await store.conversations.deactivate(person.id);
      await store.db.updateTable('teams_installs').set({ installation_id: null }).where('individu_id', '=', driver.individuId).execute();
    }
    const before = { installs: graph.callsTo('install').length, users: graph.callsTo('users').length };
    // A new installer, as after a restart: only the store remembers.
    const installer = new TeamsInstaller({
      store,
      graph: (t.service.core.teamsInstaller as unknown as { deps: { graph: never } }).deps.graph,
      ports: t.service.core.ports,
      tenants: [TEAMS_TENANT],
      teamsAppId: APP,
    });
    const report = await installer.reach(lost.map((d) => ({ ...d, vehicles: [], email: d.email, matricule: null })) as never);
    expect(report.outcomes.reached).toBe(3);
    expect(graph.callsTo('install').length).toBe(before.installs);
    expect(graph.callsTo('users').length).toBe(before.users);
    for (const driver of lost) expect(graph.created.get(aad(driver.index))).toBe(1);
  });

  it('drivers who blocked the bot (403 MessageWritesBlocked) are recorded as such and left alone by the next installs', async () => {
    const store = t.service.core.store;
    t.connector.fail(403, 1000, {
      error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' },
      subCode: 'MessageWritesBlocked',
    });
    let blocked: number[];
    try {
      const report = await t.service.core.dailyRun.run('2026-11-23');
      expect(report.sent).toHaveLength(0);
      blocked = [...(await store.reach.problems())].filter(([, p]) => p.reason === 'blocked').map(([id]) => id);
      expect(blocked.length).toBeGreaterThanOrEqual(5);
    } finally {
      t.connector.fail(0, -1);
    }
    const installs = graph.callsTo('install').length;
    const report = await t.service.core.teamsInstaller!.reach((await t.service.core.directory.all()).filter((d) => d.vehicles.length > 0));
    // Only the one refused and the one not in the tenant: nobody who blocked the bot.
    expect(report.candidates).toBe(2);
    expect(graph.callsTo('install').length).toBe(installs + 1);
  });
});

describe('Teams announces the install it made (installationUpdate)', () => {
  it('the conversation from the activity is kept, Graph is not asked for the chat, and the driver is welcomed once', async () => {
    const local = new FakeGraph({
      teamsAppId: APP,
      announce: async (tenant, userId) => {
        const index = Number(userId.replace('aad-a', ''));
        const { installationUpdate, conversationUpdate } = teamsInstalledFor(s.connector.url, { id: `29:a${index}`, aadObjectId: userId }, tenant);
        await Promise.all([sendToTeams(s.url, installationUpdate), sendToTeams(s.url, conversationUpdate)]);
      },
    });
    await local.start();
    const s = await startTestService({
      slack: false,
      teamsInstall: { clientId: 'bot-app-id', clientSecret: 'bot-secret', teamsAppId: APP, graphUrl: local.url, loginUrl: login.url },
    });
    try {
      const drivers = [1, 2, 3].map((i) => s.sim.fleet.byIndex(i));
      for (const d of drivers) local.addUser(d.email as string, `aad-a${d.index}`, TEAMS_TENANT);
      const report = await s.service.core.teamsInstaller!.reach(
        await s.service.core.directory.all().then((all) => all.filter((d) => drivers.some((x) => x.individuId === d.individuId))),
      );
      expect(report.outcomes.reached).toBe(3);
      expect(local.callsTo('chat')).toHaveLength(0);
      for (const d of drivers) {
        const welcomes = s.connector.sent().filter((c) => c.conversationId === `a:1aad-a${d.index}`);
        expect(welcomes).toHaveLength(1);
        const person = (await s.service.core.store.people.forIndividu(d.individuId)).find((p) => p.platform === 'teams')!;
        expect((await s.service.core.store.conversations.of(person.id))?.reference).toMatchObject({ conversation: { id: `a:1aad-a${d.index}` } });
      }
    } finally {
      await s.stop();
      await local.stop();
    }
  });
});
