import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { View } from '../../src/views/views';
import { cardsOf } from '../support/cards';
import { eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, post, sign } from '../support/slack-requests';
import { sendToTeams, teamsInstall, teamsInvoke } from '../support/teams';
import { plain, plainJson } from '../support/text';

/*
 * ANSWER_DEADLINE_DAYS (7 here): Tuesday 24 November's trips can be answered until Tuesday
 * 1 December included, that is until 2 December 00:00 in Paris (1 December, 23:00 UTC). After
 * that, on Slack, Teams and the web chat alike, a click is refused politely (a change of mind
 * too), nothing is written and nothing goes to Ocean; the prompt loses its buttons; no reminder.
 */

const FORM = 'application/x-www-form-urlencoded';
const RETRO = 'vieprivee/v1/etapeViePriveePosteriori';
const LAST_OPEN_MINUTE = '2026-12-01T22:59:00Z';
const CLOSED = '2026-12-01T23:00:00Z';
const TEAMS_USER = { id: '29:eleven', name: 'Hugo Teams' };

let t: TestService;
let dataDir: string;
const driver = (index: number) => t.sim.fleet.byIndex(index);
const SLACK = 9;
const SLACK_IDLE = 13;
const TEAMS = 11;
const WEB = 14;

async function promptOf(index: number) {
  const prompt = await t.service.core.store.prompts.of(driver(index).individuId, TEST_DAY);
  expect(prompt?.status).toBe('sent');
  return prompt!;
}

function slackPrompt(user: string) {
  return t.slack
    .callsTo('chat.postMessage')
    .find((c) => c.args.channel === `D_${user}` && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'privacy_prompt')!;
}

async function slackClick(user: string, value: string, ts: string) {
  const responseUrl = t.slack.responseUrl();
  const body = blockActionsBody({ user, actionId: 'trip_answer:0', value, responseUrl, ts });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  return responseUrl.split('/').pop() as string;
}

async function web(pathname: string, body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/web/api/${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { messages: { id: string; view?: View }[]; updated?: { view?: View } };
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deadline-'));
  t = await startTestService({ web: true, config: { dataDir } });
  const { store } = t.service.core;
  // Each driver is met on their platform first: their prompt goes there.
  for (const [index, user] of [
    [SLACK, 'U_9'],
    [SLACK_IDLE, 'U_13'],
  ] as const) {
    t.slack.addUser({ id: user, team: 'T_FLEET', email: driver(index).email!, name: `${driver(index).firstName} Slack` });
    const person = await store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: user, email: driver(index).email });
    await store.people.link(person.id, driver(index).individuId, 'email');
  }
  t.connector.members.set(TEAMS_USER.id, { id: TEAMS_USER.id, name: TEAMS_USER.name, email: driver(TEAMS).email! });
  expect((await sendToTeams(t.url, teamsInstall(t.connector.url, TEAMS_USER))).status).toBe(200);
  await web('command', { as: driver(WEB).email, text: 'help' });
  await t.service.core.dailyRun.run(TEST_DAY);
}, 60_000);

afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the answer deadline', () => {
  it('the prompt says until when the driver can answer, on every platform', async () => {
    expect(plainJson(slackPrompt('U_9').args.blocks)).toContain('jusqu’au mardi 1er décembre inclus');
    const card = t.connector.sent().find((c) => c.conversationId === `a:conv-${TEAMS_USER.id}` && JSON.stringify(c.body).includes('trip_answer'));
    expect(plainJson(cardsOf(card!.body))).toContain('jusqu’au mardi 1er décembre inclus');
    const webPrompt = (await fetch(`${t.url}/web/api/conversation?as=${encodeURIComponent(driver(WEB).email!)}`).then((r) => r.json())) as { view?: View }[];
    expect(plainJson(webPrompt.map((m) => m.view))).toContain('jusqu’au mardi 1er décembre inclus');
  });

  it('answers are taken up to the last minute of the last day', async () => {
    const slack = await promptOf(SLACK);
    await slackClick('U_9', `ans:${slack.id}:0:private`, String(slackPrompt('U_9').args.ts ?? ''));
    t.clock.set(LAST_OPEN_MINUTE);
    const teams = await promptOf(TEAMS);
    const res = await sendToTeams(t.url, teamsInvoke(t.connector.url, TEAMS_USER, { actionId: 'trip_answer', value: `ans:${teams.id}:0:professional` }));
    expect(JSON.stringify(res.body)).toContain('enregistrement…');
    await t.service.core.outbox.drain();
    expect(t.sim.requestsTo(RETRO)).toHaveLength(2);
  });

  it('after it, a click is refused politely on Slack, a change of mind too: nothing written, nothing to Ocean, the prompt drawn closed', async () => {
    t.clock.set(CLOSED);
    const prompt = await promptOf(SLACK);
    const before = await t.service.core.store.answers.latest(prompt.id);
    const sent = slackPrompt('U_9');
    for (const value of [`ans:${prompt.id}:0:professional`, `ans:${prompt.id}:1:private`, `ans:${prompt.id}:all:professional`]) {
      const response = await slackClick('U_9', value, String((sent.args as { ts?: string }).ts ?? ''));
      const refusal = await eventually(() => t.slack.responses.find((r) => r.id === response && String(r.body.text).includes('ne peuvent plus être modifiés')));
      expect(plain(String(refusal.body.text))).toContain('mardi 1er décembre');
    }
    const redrawn = await eventually(() =>
      t.slack
        .callsTo('chat.update')
        .filter((c) => c.args.channel === 'D_U_9')
        .pop(),
    );
    const blocks = JSON.stringify(redrawn.args.blocks);
    expect(blocks).toContain('Le délai de réponse est passé');
    expect(blocks).not.toContain('trip_answer');
    expect(await t.service.core.store.answers.latest(prompt.id)).toEqual(before);
    await t.service.core.outbox.drain();
    expect(t.sim.requestsTo(RETRO)).toHaveLength(2);
  });

  it('after it, a Teams click is answered with the closed card and changes nothing', async () => {
    const prompt = await promptOf(TEAMS);
    const before = await t.service.core.store.answers.latest(prompt.id);
    const res = await sendToTeams(t.url, teamsInvoke(t.connector.url, TEAMS_USER, { actionId: 'trip_answer', value: `ans:${prompt.id}:0:private` }));
    const card = JSON.stringify((res.body as { value?: unknown }).value);
    expect(card).toContain('Le délai de réponse est passé');
    expect(card).not.toContain('trip_answer');
    expect(await t.service.core.store.answers.latest(prompt.id)).toEqual(before);
    expect(t.sim.requestsTo(RETRO)).toHaveLength(2);
  });

  it('after it, a web chat click is refused and the message shows the day closed', async () => {
    const prompt = await promptOf(WEB);
    const as = driver(WEB).email!;
    const conversation = (await fetch(`${t.url}/web/api/conversation?as=${encodeURIComponent(as)}`).then((r) => r.json())) as { id: string; view?: View }[];
    const shown = conversation.find((m) => JSON.stringify(m.view ?? {}).includes(`ans:${prompt.id}:`))!;
    const answer = await web('action', { as, messageId: shown.id, actionId: 'trip_answer', value: `ans:${prompt.id}:0:private` });
    expect(JSON.stringify(answer.messages.map((m) => m.view?.summary))).toContain('ne peuvent plus être modifiés');
    expect(JSON.stringify(answer.updated?.view)).toContain('Le délai de réponse est passé');
    expect(await t.service.core.store.answers.latest(prompt.id)).toEqual([]);
    // /privacy no longer lists the closed day as waiting.
    const overview = await web('command', { as, text: 'privacy' });
    expect(overview.messages.filter((m) => m.view).map((m) => m.view?.summary)).toEqual(['Vie privée']);
    expect(JSON.stringify(overview.messages)).toContain('Aucun trajet en attente');
    expect(t.sim.requestsTo(RETRO)).toHaveLength(2);
  });

  it('no reminder goes out for a closed day', async () => {
    const posted = t.slack.callsTo('chat.postMessage').length;
    const sent = t.connector.sent().length;
    expect(await t.service.core.dailyRun.remind(TEST_DAY)).toBe(0);
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(posted);
    expect(t.connector.sent()).toHaveLength(sent);
  });

  it('the next morning, the prompts of the day that closed lose their buttons without anyone clicking', async () => {
    t.clock.set('2026-12-02T07:30:00Z');
    const before = t.slack.callsTo('chat.update').filter((c) => c.args.channel === 'D_U_13').length;
    expect(before).toBe(0);
    // The daily run of 2 December (for 1 December) redraws the day that closed at midnight.
    expect(await t.service.core.dailyRun.redrawClosed('2026-12-01')).toBeGreaterThan(0);
    const update = t.slack
      .callsTo('chat.update')
      .filter((c) => c.args.channel === 'D_U_13')
      .pop();
    expect(JSON.stringify(update?.args.blocks)).toContain('Le délai de réponse est passé');
    expect(JSON.stringify(update?.args.blocks)).not.toContain('trip_answer');
  });
});
