import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promptTrips } from '../../src/privacy/trips/trip';
import { cardsOf } from '../support/cards';
import { eventually, startTestService, type TestService } from '../support/service';
import { blockActionsBody, post, sign, slashBody } from '../support/slack-requests';
import { sendToTeams, teamsInstall, teamsInvoke, teamsMessage } from '../support/teams';
import { plain } from '../support/text';
import { settled } from '../support/wait';

/*
 * `/privacy-report [period] unanswered` on Slack, Teams and the web chat: per driver, how many
 * trips wait for an answer, how many were left on closed days, since when; never the trips.
 * The manager's button sends each waiting day its one reminder, once, whoever clicks again.
 */

const FORM = 'application/x-www-form-urlencoded';
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'];
const PERIOD = '23/11/2026-25/11/2026';
const DRIVER_TEAMS = { id: '29:eleven', name: 'Hugo Teams' };
const BOSS_TEAMS = { id: '29:boss', name: 'Claire Teams' };

let t: TestService;
let dataDir: string;
const driver = (index: number) => t.sim.fleet.byIndex(index);

async function prompt(index: number, day: string) {
  return (await t.service.core.store.prompts.of(driver(index).individuId, day))!;
}

async function asked(index: number, day: string): Promise<number> {
  const found = await t.service.core.store.prompts.of(driver(index).individuId, day);
  return found ? promptTrips(found).asked.length : 0;
}

async function slackClick(user: string, actionId: string, value: string, triggerId?: string): Promise<string> {
  const responseUrl = t.slack.responseUrl();
  const body = blockActionsBody({ user, actionId, value, responseUrl, triggerId });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  return responseUrl.split('/').pop() as string;
}

async function slackUnanswered(text: string): Promise<string> {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command: '/privacy-report', text, user: 'U_0', responseUrl });
  await post(t.url, body, FORM, sign(body));
  const id = responseUrl.split('/').pop();
  return JSON.stringify(
    (await eventually(() => t.slack.responses.find((r) => r.id === id && JSON.stringify(r.body).includes('Trajets sans réponse')), 10_000)).body,
  );
}

async function web(pathname: string, body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/web/api/${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { messages: { view?: { summary: string } }[] };
}

/** A table row of the Slack answer: the driver's name followed by their counts and first day. */
function rowOf(answer: string, index: number): string | undefined {
  const name = `${driver(index).firstName} ${driver(index).lastName}`;
  const lines = JSON.parse(answer)
    .blocks.map((b: { text?: { text?: string } }) => (b.text?.text ?? '').replace(/```/g, ''))
    .join('\n')
    .split('\n');
  return lines.find((l: string) => l.startsWith(name));
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-'));
  t = await startTestService({ web: true, config: { dataDir } });
  const { store } = t.service.core;
  t.slack.addUser({ id: 'U_0', team: 'T_FLEET', email: driver(0).email!, name: 'Claire Martin' });
  for (const [index, user] of [
    [9, 'U_9'],
    [13, 'U_13'],
  ] as const) {
    t.slack.addUser({ id: user, team: 'T_FLEET', email: driver(index).email!, name: `${driver(index).firstName} Slack` });
    const person = await store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: user, email: driver(index).email });
    await store.people.link(person.id, driver(index).individuId, 'email');
  }
  t.connector.members.set(DRIVER_TEAMS.id, { id: DRIVER_TEAMS.id, name: DRIVER_TEAMS.name, email: driver(11).email! });
  t.connector.members.set(BOSS_TEAMS.id, { id: BOSS_TEAMS.id, name: BOSS_TEAMS.name, email: driver(0).email! });
  await sendToTeams(t.url, teamsInstall(t.connector.url, DRIVER_TEAMS));
  await web('command', { as: driver(14).email, text: 'help' });
  // Three mornings of prompts: Monday, Tuesday and Wednesday's trips.
  for (const day of DAYS) {
    t.clock.set(`${day}T23:30:00Z`);
    await t.service.core.dailyRun.run(day);
  }
  for (const index of [9, 11, 14]) for (const day of DAYS) expect(await asked(index, day)).toBeGreaterThan(1);
}, 90_000);

afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('non-responders', () => {
  it('are correct after answers given on Slack, Teams and the web chat: how many, since when, never the trips', async () => {
    // Slack: Monday answered whole. Teams: every day answered. Web: one trip of Tuesday.
    await slackClick('U_9', 'trip_answer:0', `ans:${(await prompt(9, DAYS[0]!)).id}:all:private`);
    for (const day of DAYS)
      await sendToTeams(
        t.url,
        teamsInvoke(t.connector.url, DRIVER_TEAMS, { actionId: 'trip_answer', value: `ans:${(await prompt(11, day)).id}:all:professional` }),
      );
    await web('action', { as: driver(14).email, actionId: 'trip_answer', value: `ans:${(await prompt(14, DAYS[1]!)).id}:0:private` });

    const answer = await slackUnanswered(`${PERIOD} sans-reponse`);
    const nine = (await asked(9, DAYS[1]!)) + (await asked(9, DAYS[2]!));
    const fourteen = (await asked(14, DAYS[0]!)) + (await asked(14, DAYS[1]!)) - 1 + (await asked(14, DAYS[2]!));
    expect(rowOf(answer, 9)).toMatch(new RegExp(`\\s${nine}\\s+0\\s+mar\\. 24/11$`));
    expect(rowOf(answer, 14)).toMatch(new RegExp(`\\s${fourteen}\\s+0\\s+lun\\. 23/11$`));
    expect(rowOf(answer, 11)).toBeUndefined();
    // Counts and days: no town, no time of day.
    expect(answer).not.toMatch(/Lyon|Villeurbanne|Vénissieux|\bBron\b|\b\d{2}:\d{2}\b/);

    // Tuesday answered on Slack after all: only Wednesday's trips wait.
    await slackClick('U_9', 'trip_answer:0', `ans:${(await prompt(9, DAYS[1]!)).id}:all:professional`);
    expect(rowOf(await slackUnanswered(`${PERIOD} sans-reponse`), 9)).toMatch(new RegExp(`\\s${await asked(9, DAYS[2]!)}\\s+0\\s+mer\\. 25/11$`));

    // The same list on Teams and in the web chat.
    t.connector.reset();
    await sendToTeams(t.url, teamsMessage(t.connector.url, BOSS_TEAMS, `privacy-report ${PERIOD} unanswered`));
    const card = JSON.stringify(cardsOf(t.connector.sent().pop()!.body));
    expect(card).toContain('Trajets sans réponse');
    expect(card).toContain(`${driver(14).firstName} ${driver(14).lastName}`);
    expect(card).not.toContain(`${driver(11).firstName} ${driver(11).lastName}`);
    const shown = await web('command', { as: driver(0).email, text: `privacy-report ${PERIOD} sans-réponse` });
    expect(JSON.stringify(shown.messages)).toContain(`${driver(14).firstName} ${driver(14).lastName}`);
  });

  it("the manager's button reminds each waiting day once: a replayed click and a second click send nothing more", async () => {
    const answer = await slackUnanswered(`${PERIOD} sans-reponse`);
    expect(answer).toContain('remind_unanswered');
    const value = 'rmd:2026-11-23:2026-11-25';
    expect(answer).toContain(value);
    const waiting = [];
    for (const index of [9, 13])
      for (const day of DAYS) {
        const found = await t.service.core.store.prompts.of(driver(index).individuId, day);
        if (found && (await t.service.core.dailyRun.unanswered(found))) waiting.push(found);
      }
    const dms = () =>
      t.slack
        .callsTo('chat.postMessage')
        .filter((c) => ['D_U_9', 'D_U_13'].includes(String(c.args.channel)) && JSON.stringify(c.args.blocks).includes('Rappel'));
    expect(dms()).toHaveLength(0);

    // A driver's click on the manager's button (it may sit in a channel they read): refused, nothing sent.
    const refused = await slackClick('U_13', 'remind_unanswered:0', value);
    expect(JSON.stringify(await eventually(() => t.slack.responses.find((r) => r.id === refused)))).toContain('réservée aux gestionnaires');

    const trigger = 'trigger-remind-once';
    const first = await slackClick('U_0', 'remind_unanswered:0', value, trigger);
    const done = await eventually(() => t.slack.responses.find((r) => r.id === first));
    expect(plain(String(done.body.text))).toMatch(/^Rappel envoyé à \d+ conducteurs, pour \d+ journées en attente\./);
    await eventually(() => dms().length === waiting.length);
    // The same click again (Slack retrying it) does nothing at all, and a second click sends no reminder more.
    const audited = async () => (await t.service.core.store.auditLog.trail(500)).filter((e) => e.action === 'reminders').length;
    expect(await audited()).toBe(1);
    const replayed = await slackClick('U_0', 'remind_unanswered:0', value, trigger);
    await settled(t.service);
    expect(t.slack.responses.find((r) => r.id === replayed)).toBeUndefined();
    expect(await audited()).toBe(1);
    const second = await slackClick('U_0', 'remind_unanswered:0', value);
    expect(plain(String((await eventually(() => t.slack.responses.find((r) => r.id === second))).body.text))).toMatch(
      /^Aucun rappel envoyé\. \d+ journées avaient déjà reçu leur rappel : un seul par journée\.$/,
    );
    expect(await t.service.core.dailyRun.remind(DAYS[2]!)).toBe(0);
    await settled(t.service);
    expect(dms()).toHaveLength(waiting.length);
    expect(await slackUnanswered(`${PERIOD} sans-reponse`)).toContain('Chaque journée en attente a déjà reçu son rappel');
  });

  it('days past their deadline count apart, as closed without an answer', async () => {
    // 1 December, 23:30 UTC: Monday 23 and Tuesday 24 are closed, Wednesday 25 still open.
    t.clock.set('2026-12-01T23:30:00Z');
    const row = rowOf(await slackUnanswered(`${PERIOD} sans-reponse`), 14);
    const closed = (await asked(14, DAYS[0]!)) + (await asked(14, DAYS[1]!)) - 1;
    expect(row).toMatch(new RegExp(`\\s${await asked(14, DAYS[2]!)}\\s+${closed}\\s+lun\\. 23/11$`));
  });
});
