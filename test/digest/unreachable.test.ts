import { MANAGER_INDEX } from '../../src/sandbox/fleet';
import { typed, user } from '../support/chat';
import { startTestService, TEST_DAY, type TestService } from '../support/service';
import { plainJson } from '../support/text';

/* The reasons a driver is out of the bot's reach on Slack and Teams (issue 27, item 4). */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  // Only the manager and driver 9 are in Slack; driver 11 is known on Teams, app removed.
  for (const index of [MANAGER_INDEX, 9]) {
    const d = t.sim.fleet.byIndex(index);
    t.slack.addUser({ id: `U_${index}`, team: 'T_FLEET', email: d.email!, name: `${d.firstName} ${d.lastName}` });
  }
  const { store } = t.service.core;
  const teams = await store.people.see({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: 'aad-11', email: t.sim.fleet.byIndex(11).email });
  await store.people.link(teams.id, t.sim.fleet.byIndex(11).individuId, 'email');
  await store.conversations.save(teams.id, { conversation: { id: 'a:11' } });
  await store.conversations.deactivate(teams.id);
  await t.service.core.dailyRun.run(TEST_DAY);
}, 60_000);
afterAll(() => t.stop());

it('says who is not found in the chat and who has not installed the Teams app, and what the manager can do', async () => {
  const boss = user('U_0', { email: t.sim.fleet.byIndex(MANAGER_INDEX).email }, 'slack', 'T_FLEET');
  const [view] = await typed(t, boss, '/privacy-report unanswered');
  const text = plainJson(view);
  const name = (index: number) => `${t.sim.fleet.byIndex(index).firstName} ${t.sim.fleet.byIndex(index).lastName}`;
  expect(text).toContain(`${name(13)} (n° Ocean ${t.sim.fleet.byIndex(13).individuId}) — introuvable dans la messagerie`);
  expect(text).toContain(`${name(11)} (n° Ocean ${t.sim.fleet.byIndex(11).individuId}) — l’app Teams n’est pas installée pour lui`);
  expect(text).toContain('« /privacy link @personne');
  expect(text).not.toContain(`${name(9)} (n° Ocean`);
});
