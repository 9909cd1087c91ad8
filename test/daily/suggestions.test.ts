import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { addDays } from '../../src/ocean/dates';
import { tripSlot } from '../../src/privacy/daily/suggestion-rule';
import { promptTrips } from '../../src/privacy/trips/trip';
import type { SimTrip } from '../../src/sandbox/fleet';
import { recordAnswered } from '../../src/store/history';
import type { View } from '../../src/views/views';
import { cardProblems, cardsOf } from '../support/cards';
import { teamsActivity } from '../support/fake-connector';
import { eventually, startTestService, TEST_DAY, TEST_NOW, type TestService } from '../support/service';
import { blockActionsBody, post, sign, slashBody } from '../support/slack-requests';
import { plain } from '../support/text';

/*
 * Suggestions learned from a driver's own answers (issue 22), end to end: the real Bolt app
 * receiving signed requests, the real Ocean client against the simulator (whose recorded
 * retroactive requests are the wire traffic), a pinned clock.
 */

const FORM = 'application/x-www-form-urlencoded';
const ZONE = 'Europe/Paris';
const RETRO = 'vieprivee/v1/etapeViePriveePosteriori';
/** Three Tuesdays before TEST_DAY (Tuesday 24 November 2026). */
const WEEKS = [addDays(TEST_DAY, -21), addDays(TEST_DAY, -14), addDays(TEST_DAY, -7)];

const at = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone: ZONE });
/** The clock on the morning after `day`, when its prompt goes out. */
const morningAfter = (day: string) => at(addDays(day, 1), '08:30').toJSDate();

function addTrip(t: TestService, vehicleId: number, day: string, time: string, from: string, to: string): SimTrip {
  return t.sim.fleet.addTrip(vehicleId, at(day, time), 20, ZONE, { from, to });
}

/** Where each retroactive request went and what it said, from the simulator's record. */
function retroSince(t: TestService, before: number): { idEtape: number; privacy: boolean }[] {
  return t.sim
    .requestsTo(RETRO)
    .slice(before)
    .filter((r) => r.status === 200)
    .map((r) => ({ idEtape: Number(r.query.idEtape), privacy: r.query.privacy === 'true' }));
}

async function click(t: TestService, user: string, actionId: string, value: string, triggerId?: string) {
  const responseUrl = t.slack.responseUrl();
  const body = blockActionsBody({ user, actionId, value, responseUrl, triggerId });
  const res = await post(t.url, body, FORM, sign(body));
  expect(res.status).toBe(200);
  return { body, responses: () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).map((r) => r.body) };
}

async function slash(t: TestService, user: string, text: string) {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command: '/privacy', text, user, responseUrl });
  expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
  return () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).map((r) => r.body);
}

/** The prompt message a Slack DM channel got for a prompt (its blocks). */
function promptBlocks(t: TestService, channel: string, promptId: number): unknown[] {
  const call = t.slack
    .callsTo('chat.postMessage')
    .filter(
      (c) => c.args.channel === channel && (c.args.metadata as { event_payload?: { prompt_id?: number } } | undefined)?.event_payload?.prompt_id === promptId,
    )
    .pop();
  return (call?.args.blocks as unknown[]) ?? [];
}

/** The section text of the trip whose line names `route` ("Lyon → Écully"), with its status line. */
function tripSection(blocks: unknown[], route: string): string | undefined {
  return blocks.map((b) => plain((b as { text?: { text?: string } }).text?.text ?? '')).find((text) => text.includes(route));
}

function acceptValue(blocks: unknown[]): string | undefined {
  for (const block of blocks as { elements?: { action_id?: string; value?: string }[] }[]) {
    const found = block.elements?.find((e) => e.action_id?.startsWith('accept_suggestions:'));
    if (found) return found.value;
  }
  return undefined;
}

describe('suggestions learned from a driver’s own answers, on Slack', () => {
  let t: TestService;
  /** Driver 9 (U_9), and a second driver (U_11) who drives the same route. */
  let nine: ReturnType<TestService['sim']['fleet']['byIndex']>;
  let eleven: ReturnType<TestService['sim']['fleet']['byIndex']>;
  const today: Record<string, SimTrip> = {};

  beforeAll(async () => {
    t = await startTestService({ teams: false });
    nine = t.sim.fleet.byIndex(9);
    eleven = t.sim.fleet.byIndex(11);
    t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: nine.email!, locale: 'fr-FR', name: 'Nine' });
    t.slack.addUser({ id: 'U_11', team: 'T_FLEET', email: eleven.email!, locale: 'fr-FR', name: 'Eleven' });
    const store = t.service.core.store;
    // Three weeks of answers, each given by a click the morning after: Lyon → Écully early on a
    // Tuesday is private every time (at 06:00, 05:40, 06:20); Vienne → Givors late is professional.
    for (const [week, day] of WEEKS.entries()) {
      const commute = addTrip(t, nine.vehicleId!, day, ['06:00', '05:40', '06:20'][week]!, 'Lyon', 'Écully');
      const late = addTrip(t, nine.vehicleId!, day, '22:30', 'Vienne', 'Givors');
      t.clock.set(morningAfter(day));
      await t.service.core.dailyRun.run(day);
      const prompt = (await store.prompts.of(nine.individuId, day))!;
      const ids = promptTrips(prompt).asked.map((trip) => trip.id);
      await click(t, 'U_9', 'trip_answer:0', `ans:${prompt.id}:${ids.indexOf(commute.id)}:private`);
      await click(t, 'U_9', 'trip_answer:1', `ans:${prompt.id}:${ids.indexOf(late.id)}:professional`);
      await eventually(async () => (await store.answers.latest(prompt.id)).filter((a) => a.status === 'delivered').length === 2);
    }
    expect(await store.history.of(nine.individuId)).toHaveLength(6);
    // Today: the two repeated trips, and a new one (Lyon → Bron) never answered before.
    today.commute = addTrip(t, nine.vehicleId!, TEST_DAY, '06:10', 'Lyon', 'Écully');
    today.late = addTrip(t, nine.vehicleId!, TEST_DAY, '22:00', 'Vienne', 'Givors');
    today.fresh = addTrip(t, nine.vehicleId!, TEST_DAY, '06:50', 'Lyon', 'Bron');
    // Another driver on the same route at the same time: driver 9's answers are not theirs.
    today.other = addTrip(t, eleven.vehicleId!, TEST_DAY, '06:10', 'Lyon', 'Écully');
    t.clock.set(TEST_NOW);
    await t.service.core.dailyRun.run(TEST_DAY);
  }, 120_000);
  afterAll(() => t.stop());

  const promptOf = async (individuId: number) => (await t.service.core.store.prompts.of(individuId, TEST_DAY))!;

  it('after three weeks of answers, the prompt suggests the repeated trips, says why, and not the new one', async () => {
    const prompt = await promptOf(nine.individuId);
    const blocks = promptBlocks(t, 'D_U_9', prompt.id);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(tripSection(blocks, 'Lyon → Écully')).toContain('Suggestion : privé les 3 dernières fois, Lyon → Écully');
    expect(tripSection(blocks, 'Vienne → Givors')).toContain('Suggestion : professionnel les 3 dernières fois, Vienne → Givors');
    expect(tripSection(blocks, 'Lyon → Bron')).not.toContain('Suggestion');
    expect(JSON.stringify(blocks)).toContain('Accepter les suggestions');
    expect(acceptValue(blocks)).toBe(`sug:${prompt.id}:0`);
    // Nothing went to Ocean for today without a tap.
    expect(await t.service.core.store.answers.latest(prompt.id)).toEqual([]);
  });

  it("/privacy shows the same suggestions in the driver's overview, read with who is asking", async () => {
    const responses = await slash(t, 'U_9', '');
    const overview = await eventually(() => responses().find((r) => JSON.stringify(r.blocks ?? '').includes('Lyon → Bron')));
    const text = plain(JSON.stringify(overview.blocks));
    // The first four trips still without an answer: the commute with its suggestion, the new trip without.
    expect(text).toContain('Suggestion : privé les 3 dernières fois, Lyon → Écully');
    expect(text.match(/Suggestion :/g)).toHaveLength(1);
  });

  it('another driver’s answers are never used: the same route the same morning suggests nothing to them', async () => {
    const prompt = await promptOf(eleven.individuId);
    const blocks = promptBlocks(t, 'D_U_11', prompt.id);
    expect(tripSection(blocks, 'Lyon → Écully')).toBeDefined();
    expect(JSON.stringify(blocks)).not.toContain('Suggestion');
    expect(acceptValue(blocks)).toBeUndefined();
  });

  it('"accept" clicked by another user is refused and changes nothing', async () => {
    const prompt = await promptOf(nine.individuId);
    const before = t.sim.requestsTo(RETRO).length;
    const { responses } = await click(t, 'U_11', 'accept_suggestions:0', `sug:${prompt.id}:0`);
    const [reply] = await eventually(() => (responses().length ? responses() : undefined));
    expect(JSON.stringify(reply)).toContain("d'une autre personne");
    expect(await t.service.core.store.answers.latest(prompt.id)).toEqual([]);
    await t.service.core.outbox.drain();
    expect(t.sim.requestsTo(RETRO)).toHaveLength(before);
  });

  it('turned off, suggestions go from the prompt and "accept" answers nothing; turned on, they are back', async () => {
    const store = t.service.core.store;
    const prompt = await promptOf(nine.individuId);
    const off = await slash(t, 'U_9', 'suggestions off');
    expect(JSON.stringify(await eventually(() => off()[0]))).toContain('Suggestions désactivées');
    // The driver's prompt, shown again by /privacy: no suggestion, no accept button.
    const shown = await slash(t, 'U_9', '');
    const withPrompt = await eventually(() => shown().find((r) => JSON.stringify(r.blocks).includes('Lyon → Écully')));
    expect(JSON.stringify(withPrompt.blocks)).not.toContain('Suggestion');
    expect(acceptValue(withPrompt.blocks as unknown[])).toBeUndefined();
    // The button of the message sent earlier: nothing is answered while suggestions are off.
    const { responses } = await click(t, 'U_9', 'accept_suggestions:0', `sug:${prompt.id}:0`);
    expect(JSON.stringify(await eventually(() => responses().find((r) => JSON.stringify(r).includes('Plus aucune suggestion'))))).toBeTruthy();
    expect(await store.answers.latest(prompt.id)).toEqual([]);
    // A bad argument changes nothing and says what is accepted.
    const bad = await slash(t, 'U_9', 'suggestions maybe');
    expect(JSON.stringify(await eventually(() => bad()[0]))).toContain('/privacy suggestions off, /privacy suggestions on');
    expect(await store.history.on(nine.individuId)).toBe(false);
    const on = await slash(t, 'U_9', 'suggestions on');
    expect(JSON.stringify(await eventually(() => on()[0]))).toContain('Suggestions activées');
    const again = await slash(t, 'U_9', '');
    const back = await eventually(() => again().find((r) => JSON.stringify(r.blocks).includes('Lyon → Écully')));
    expect(JSON.stringify(back.blocks)).toContain('privé les 3 dernières fois, Lyon → Écully');
  });

  it('"accept suggestions" sends exactly the suggested answers to Ocean; the new trip stays open; a replay changes nothing', async () => {
    const store = t.service.core.store;
    const prompt = await promptOf(nine.individuId);
    const before = t.sim.requestsTo(RETRO).length;
    const accepted = await click(t, 'U_9', 'accept_suggestions:0', `sug:${prompt.id}:0`, 'trigger-accept-1');
    await eventually(async () => (await store.answers.latest(prompt.id)).length === 2);
    await eventually(async () => (await store.answers.latest(prompt.id)).filter((a) => a.status === 'delivered').length === 2);
    await t.service.core.outbox.drain();
    const sent = retroSince(t, before).sort((a, b) => a.idEtape - b.idEtape);
    expect(sent).toEqual(
      [
        { idEtape: today.commute!.id, privacy: true },
        { idEtape: today.late!.id, privacy: false },
      ].sort((a, b) => a.idEtape - b.idEtape),
    );
    const latest = await store.answers.latest(prompt.id);
    expect(latest.map((a) => a.trip_id).sort()).toEqual([today.commute!.id, today.late!.id].sort());
    expect(latest.find((a) => a.trip_id === today.fresh!.id)).toBeUndefined();
    // Recorded in the driver's history with the answers.
    expect((await store.history.of(nine.individuId)).find((r) => r.trip_id === today.commute!.id)).toMatchObject({
      choice: 'private',
      from_town: 'Lyon',
      to_town: 'Écully',
    });
    // The message was redrawn: the accepted trips show their answer, the new one is still asked.
    const update = await eventually(() =>
      t.slack
        .callsTo('chat.update')
        .map((c) => JSON.stringify(c.args.blocks))
        .find((b) => b.includes('enregistré à') && b.includes('Lyon → Bron')),
    );
    expect(update).not.toContain('Suggestion');
    // The same request again (Slack's retry, or a replay): nothing more is written or sent.
    const rows = (await store.db.selectFrom('trip_answers').select('id').where('prompt_id', '=', prompt.id).execute()).length;
    expect((await post(t.url, accepted.body, FORM, sign(accepted.body))).status).toBe(200);
    await eventually(() => t.logs.some((l) => l.includes('replayed request ignored') && l.includes('"answer"')));
    await t.service.core.outbox.drain();
    expect((await store.db.selectFrom('trip_answers').select('id').where('prompt_id', '=', prompt.id).execute()).length).toBe(rows);
    expect(retroSince(t, before)).toHaveLength(2);
  });

  it('a change of mind works as today, until the deadline, which wins over a late accept', async () => {
    const store = t.service.core.store;
    const prompt = await promptOf(nine.individuId);
    const ids = promptTrips(prompt).asked.map((trip) => trip.id);
    await click(t, 'U_9', 'trip_answer:0', `ans:${prompt.id}:${ids.indexOf(today.commute!.id)}:professional`);
    await eventually(async () => (await store.answers.latest(prompt.id)).find((a) => a.trip_id === today.commute!.id)?.choice === 'professional');
    // After the deadline (7 days), an accept is refused like any late answer.
    const start = t.clock.now();
    try {
      t.clock.set(at(addDays(TEST_DAY, 8), '09:00').toJSDate());
      const rows = (await store.db.selectFrom('trip_answers').select('id').where('prompt_id', '=', prompt.id).execute()).length;
      const { responses } = await click(t, 'U_9', 'accept_suggestions:0', `sug:${prompt.id}:0`);
      expect(JSON.stringify(await eventually(() => responses().find((r) => JSON.stringify(r).includes('ne peuvent plus être modifiés'))))).toBeTruthy();
      expect((await store.db.selectFrom('trip_answers').select('id').where('prompt_id', '=', prompt.id).execute()).length).toBe(rows);
    } finally {
      t.clock.set(start);
    }
  });
});

/** A driver's history written straight to the store: three Tuesdays of Lyon → Écully, private. */
async function seedHistory(t: TestService, individuId: number): Promise<void> {
  for (const [i, day] of WEEKS.entries()) {
    const slot = tripSlot({ fromTown: 'Lyon', toTown: 'Écully', start: at(day, '06:00').toISO() }, ZONE)!;
    await recordAnswered(t.service.core.store.db, individuId, { ...slot, tripId: 900 + i }, 'private', morningAfter(day));
  }
}

describe('accept suggestions on Teams, through the real CloudAdapter', () => {
  const ALICE = { id: '29:alice', name: 'Alice Teams' };
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false });
  });
  afterAll(() => t.stop());

  it('the card shows the suggestion and a valid Accept suggestions action; the click answers exactly the suggested trip', async () => {
    const driver = t.sim.fleet.byIndex(9);
    t.connector.members.set(ALICE.id, { id: ALICE.id, name: ALICE.name, email: driver.email! });
    const send = (activity: Record<string, unknown>) =>
      fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await send({
      ...teamsActivity(t.connector.url, ALICE, { type: 'conversationUpdate', membersAdded: [{ id: ALICE.id }], text: undefined }),
      locale: 'en-US',
    });
    await seedHistory(t, driver.individuId);
    const commute = addTrip(t, driver.vehicleId!, TEST_DAY, '06:10', 'Lyon', 'Écully');
    t.connector.reset();
    await t.service.core.dailyRun.run(TEST_DAY);
    const card = cardsOf(t.connector.sent().find((c) => c.conversationId === `a:conv-${ALICE.id}`)!.body)[0]!;
    expect(cardProblems(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain('Suggestion: private the last 3 times, Lyon → Écully');
    expect(text).toContain('"title":"Accept suggestions"');
    const value = /"data":\{"actionId":"accept_suggestions","value":"(sug:\d+:0)"\}/.exec(text)?.[1];
    expect(value).toBeDefined();
    const before = t.sim.requestsTo(RETRO).length;
    const res = await send(
      teamsActivity(t.connector.url, ALICE, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'accept_suggestions', data: { actionId: 'accept_suggestions', value } } },
      }),
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { value: unknown };
    expect(cardProblems(answer.value)).toEqual([]);
    await eventually(() => retroSince(t, before).length === 1);
    await t.service.core.outbox.drain();
    expect(retroSince(t, before)).toEqual([{ idEtape: commute.id, privacy: true }]);
  });
});

describe('accept suggestions in the web chat', () => {
  let t: TestService;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'suggestions-'));
    t = await startTestService({ slack: false, teams: false, web: true, config: { dataDir } });
  });
  afterAll(async () => {
    await t.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async <T>(route: string, body?: unknown): Promise<T> => {
    const res = await fetch(
      `${t.url}/web/api/${route}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('shows the suggestion under the trip and the button answers it, and only it', async () => {
    // Not one of the drivers whose history the sandbox seeds (SEEDED_HISTORY_INDEXES): this test seeds its own.
    const driver = t.sim.fleet.byIndex(11);
    const me = driver.email!;
    await seedHistory(t, driver.individuId);
    const commute = addTrip(t, driver.vehicleId!, TEST_DAY, '05:50', 'Lyon', 'Écully');
    await api('send-prompts', { as: me });
    const messages = await api<{ id: string; view?: View }[]>(`conversation?as=${encodeURIComponent(me)}`);
    const prompt = messages.find((m) => m.view?.blocks.some((b) => b.type === 'item' && b.text.includes('Lyon → Écully')))!;
    const item = prompt.view!.blocks.find((b) => b.type === 'item' && b.text.includes('Lyon → Écully')) as Extract<View['blocks'][number], { type: 'item' }>;
    expect(plain(item.status ?? '')).toBe('Suggestion : privé les 3 dernières fois, Lyon → Écully');
    const accept = prompt.view!.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : [])).find((a) => a.actionId === 'accept_suggestions')!;
    expect(accept.label).toBe('Accepter les suggestions');
    const before = t.sim.requestsTo(RETRO).length;
    const answered = await api<{ updated?: { view: View } }>('action', { as: me, messageId: prompt.id, actionId: accept.actionId, value: accept.value });
    expect(JSON.stringify(answered.updated?.view)).toContain('Privé — enregistrement…');
    await eventually(() => retroSince(t, before).length === 1);
    await t.service.core.outbox.drain();
    expect(retroSince(t, before)).toEqual([{ idEtape: commute.id, privacy: true }]);
  });
});
