import { cardsOf } from '../support/cards';
import { eventually, startTestService, type TestService } from '../support/service';
import { post, sign, slashBody } from '../support/slack-requests';
import { sendToTeams, TEAM_CHANNEL, teamsChannelMessage, teamsInstall, teamsMessage } from '../support/teams';
import { plainJson } from '../support/text';

/*
 * `@bot privacy-report here` in a Teams channel: a manager chooses the channel that gets the
 * weekly digest. A channel is everyone's: the bot takes nothing else there, and never keeps a
 * channel as the place to reach a person.
 */

const BOSS = { id: '29:boss', name: 'Claire Teams' };
const BOB = { id: '29:bob', name: 'Bob Teams' };
let t: TestService;

beforeAll(async () => {
  t = await startTestService({});
  t.connector.members.set(BOSS.id, { id: BOSS.id, name: BOSS.name, email: t.sim.fleet.byIndex(0).email! });
  t.connector.members.set(BOB.id, { id: BOB.id, name: BOB.name, email: t.sim.fleet.byIndex(11).email! });
  await sendToTeams(t.url, teamsInstall(t.connector.url, BOSS));
}, 60_000);
afterAll(() => t.stop());

async function said(activity: Record<string, unknown>): Promise<string> {
  t.connector.reset();
  expect((await sendToTeams(t.url, activity)).status).toBe(200);
  return plainJson(t.connector.sent().map((c) => cardsOf(c.body)));
}

const person = (user: { id: string }) => t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${user.id}` });

it('a driver cannot choose the channel, and what they write there is not kept as their conversation', async () => {
  expect(await said(teamsChannelMessage(t.connector.url, BOB, 'privacy-report here'))).toContain('réservée aux gestionnaires');
  expect(await t.service.core.store.reportChannels.all()).toEqual([]);
  // In a channel nobody's trips or hours are shown, and the daily prompt will never go there.
  expect(await said(teamsChannelMessage(t.connector.url, BOB, 'privacy'))).toContain('je ne réponds qu’à « privacy-report here »');
  const bob = await person(BOB);
  expect(bob && (await t.service.core.store.conversations.of(bob.id))).toBeFalsy();
});

it('a manager chooses it: the channel is kept with a reference to post there, everyone is told who will see what, once per message', async () => {
  const activity = teamsChannelMessage(t.connector.url, BOSS, 'privacy-report here');
  const answer = await said(activity);
  expect(answer).toContain('Ce canal recevra le rapport hebdomadaire');
  expect(answer).toContain('chaque membre du canal verra les kilomètres privés et professionnels de chaque conducteur');
  const [channel] = await t.service.core.store.reportChannels.all();
  expect(channel).toMatchObject({ platform: 'teams', workspace_id: 'TENANT_FLEET', channel_id: TEAM_CHANNEL, locale: 'fr' });
  expect(channel!.reference).toMatchObject({ serviceUrl: t.connector.url, conversation: { id: TEAM_CHANNEL } });
  expect((channel!.reference as { activityId?: string }).activityId).toBeUndefined();
  // The manager's own conversation is still their personal chat.
  const boss = await person(BOSS);
  expect((await t.service.core.store.conversations.of(boss!.id))?.reference).toMatchObject({ conversation: { id: `a:conv-${BOSS.id}` } });
  // The same message delivered again (a retry) changes nothing and says nothing.
  expect(await said(activity)).toBe('[]');
  expect((await t.service.core.store.auditLog.trail(50)).filter((e) => e.action === 'digest.channel.set')).toHaveLength(1);
});

it('"here off" stops it; in a personal chat or on Slack, the manager is told where the choice is made', async () => {
  expect(await said(teamsChannelMessage(t.connector.url, BOSS, 'privacy-report here off'))).toContain('ne recevra plus le rapport hebdomadaire');
  expect(await t.service.core.store.reportChannels.all()).toEqual([]);
  expect(await said(teamsMessage(t.connector.url, BOSS, 'privacy-report here'))).toContain('dans le canal Teams qui doit recevoir le rapport hebdomadaire');
  t.slack.addUser({ id: 'U_0', team: 'T_FLEET', email: t.sim.fleet.byIndex(0).email!, name: 'Claire Martin' });
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command: '/privacy-report', text: 'here', user: 'U_0', responseUrl });
  await post(t.url, body, 'application/x-www-form-urlencoded', sign(body));
  const id = responseUrl.split('/').pop();
  expect(JSON.stringify((await eventually(() => t.slack.responses.find((r) => r.id === id))).body)).toContain('SLACK_REPORT_CHANNEL');
});
