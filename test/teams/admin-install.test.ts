import { cardsOf } from '../support/cards';
import { eventually, startTestService, TEAMS_TENANT, TEST_DAY, type TestService } from '../support/service';
import { sendToTeams, teamsInstalledFor } from '../support/teams';

/**
 * The app installed for drivers by an administrator (Teams admin center, app setup policy):
 * nobody writes to the bot first; Teams announces each install, per user, with an
 * installationUpdate and (some tenants) a conversationUpdate, at once and sometimes twice.
 */
const DRIVERS = [1, 2, 3, 4, 5];
const userOf = (index: number) => ({ id: `29:u${index}`, aadObjectId: `aad-u${index}` });
const conversationOf = (index: number) => `a:1aad-u${index}`;

async function installFor(t: TestService, index: number): Promise<void> {
  const { installationUpdate, conversationUpdate } = teamsInstalledFor(t.connector.url, userOf(index), TEAMS_TENANT);
  // Both activities together, and the installationUpdate delivered twice (Teams retries).
  const answers = await Promise.all([
    sendToTeams(t.url, installationUpdate),
    sendToTeams(t.url, conversationUpdate),
    sendToTeams(t.url, { ...installationUpdate, id: `${String(installationUpdate.id)}-again` }),
  ]);
  for (const answer of answers) expect(answer.status).toBe(200);
}

function addMembers(t: TestService): void {
  for (const index of DRIVERS) {
    const driver = t.sim.fleet.byIndex(index);
    t.connector.members.set(`29:u${index}`, { id: `29:u${index}`, aadObjectId: `aad-u${index}`, name: driver.firstName, email: driver.email as string });
  }
}

const sentTo = (t: TestService, index: number) => t.connector.sent().filter((c) => c.conversationId === conversationOf(index));

describe("an administrator's install (TEAMS_INSTALL_WELCOME=once, the default)", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false });
    addMembers(t);
  });
  afterAll(() => t.stop());

  it("keeps each driver's personal conversation and welcomes each once, whatever activities Teams sends", async () => {
    await Promise.all(DRIVERS.map((index) => installFor(t, index)));
    for (const index of DRIVERS) {
      const welcomes = sentTo(t, index);
      expect(welcomes).toHaveLength(1);
      expect(JSON.stringify(cardsOf(welcomes[0]!.body))).toContain('Bienvenue');
      const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: TEAMS_TENANT, chatUserId: `aad-u${index}` });
      expect(person?.individu_id).toBe(t.sim.fleet.byIndex(index).individuId);
      expect((await t.service.core.store.conversations.of(person!.id))?.reference).toMatchObject({ conversation: { id: conversationOf(index) } });
    }
  });

  it('prompts them from the next daily run, with no other message', async () => {
    t.connector.reset();
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    const prompted = new Set(report.sent.map((s) => s.individuId));
    const withTrips = DRIVERS.filter((index) => prompted.has(t.sim.fleet.byIndex(index).individuId));
    expect(withTrips.length).toBeGreaterThanOrEqual(3);
    for (const index of DRIVERS) expect(sentTo(t, index)).toHaveLength(prompted.has(t.sim.fleet.byIndex(index).individuId) ? 1 : 0);
  });

  it('an install announced again later (a re-install) welcomes nobody a second time', async () => {
    t.connector.reset();
    await installFor(t, 1);
    await installFor(t, 2);
    expect(sentTo(t, 1)).toHaveLength(0);
    expect(sentTo(t, 2)).toHaveLength(0);
  });
});

describe('TEAMS_INSTALL_WELCOME=off', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false, teamsWelcome: 'off' });
    addMembers(t);
  });
  afterAll(() => t.stop());

  it('keeps the conversations and sends no welcome; the daily run still prompts them', async () => {
    await Promise.all(DRIVERS.map((index) => installFor(t, index)));
    await eventually(async () => {
      for (const index of DRIVERS) {
        const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: TEAMS_TENANT, chatUserId: `aad-u${index}` });
        if (!person || !(await t.service.core.store.conversations.of(person.id))?.active) return false;
      }
      return true;
    });
    expect(t.connector.sent()).toHaveLength(0);
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    expect(report.sent.filter((s) => DRIVERS.some((i) => t.sim.fleet.byIndex(i).individuId === s.individuId)).length).toBeGreaterThanOrEqual(3);
  });
});
