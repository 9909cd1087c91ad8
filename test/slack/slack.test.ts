import { eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, eventBody, post, sign, slashBody, viewSubmissionBody } from '../support/slack-requests';
import { plain } from '../support/text';
import { settled } from '../support/wait';

const FORM = 'application/x-www-form-urlencoded';

let t: TestService;
let alice: { email: string; individuId: number };

beforeAll(async () => {
  t = await startTestService({ teams: false });
  const driver = t.sim.fleet.byIndex(9);
  alice = { email: driver.email as string, individuId: driver.individuId };
  t.slack.addUser({ id: 'U_ALICE', team: 'T_FLEET', email: alice.email, locale: 'fr-FR', name: 'Alice' });
  t.slack.addUser({ id: 'U_BOB', team: 'T_FLEET', email: t.sim.fleet.byIndex(11).email as string, locale: 'en-US', name: 'Bob' });
  t.slack.addUser({ id: 'U_BOSS', team: 'T_FLEET', email: t.sim.fleet.byIndex(0).email as string, locale: 'en-GB', name: 'Boss' });
  t.slack.addUser({ id: 'U_STRANGER', team: 'T_FLEET', email: 'stranger@elsewhere.example', locale: 'fr-FR', name: 'Stranger' });
});
afterAll(() => t.stop());

async function slash(user: string, command: string, text: string) {
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command, text, user, responseUrl });
  const res = await post(t.url, body, FORM, sign(body));
  return { res, responses: () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id)).map((r) => r.body) };
}

function texts(body: Record<string, unknown>): string {
  return JSON.stringify(body.blocks ?? body.text);
}

describe('slash commands through the real Bolt app', () => {
  it("acknowledges at once and answers /privacy help in the user's language", async () => {
    const { res, responses } = await slash('U_BOB', '/privacy', 'help');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const [answer] = await eventually(() => (responses().length ? responses() : undefined));
    expect(answer?.response_type).toBe('ephemeral');
    expect(texts(answer as Record<string, unknown>)).toContain('Privacy — help');
  });

  it('a malformed command names the argument and the accepted forms, and changes nothing', async () => {
    const oceanBefore = t.sim.requests.length;
    const { responses } = await slash('U_BOSS', '/privacy-report', 'la-semaine-prochaine');
    const [answer] = await eventually(() => (responses().length ? responses() : undefined));
    expect(texts(answer as Record<string, unknown>)).toContain('la-semaine-prochaine');
    expect(texts(answer as Record<string, unknown>)).toContain('last-month');
    expect(t.sim.requests.slice(oceanBefore).filter((r) => r.endpoint === 'analyse/preformattedPrivacy')).toEqual([]);
  });

  it("an unknown subcommand quotes what was typed and lists what would work, whole and in the user's words", async () => {
    const { responses } = await slash('U_ALICE', '/privacy', 'horaire');
    const [answer] = await eventually(() => (responses().length ? responses() : undefined));
    expect(plain(texts(answer as Record<string, unknown>))).toContain('« horaire »');
    expect(plain(texts(answer as Record<string, unknown>))).toContain(
      'schedule, help, language fr|en, suggestions off|on (gestionnaires : link, unlink, forget)',
    );
  });

  it('a driver asking for the manager report is refused politely and Ocean is not asked', async () => {
    const before = t.sim.requestsTo('analyse/preformattedPrivacy').length;
    const { responses } = await slash('U_ALICE', '/privacy-report', '');
    const [answer] = await eventually(() => (responses().length ? responses() : undefined));
    expect(texts(answer as Record<string, unknown>)).toContain('réservée aux gestionnaires');
    await settled(t.service);
    expect(responses()).toHaveLength(1);
    expect(t.sim.requestsTo('analyse/preformattedPrivacy')).toHaveLength(before);
  });

  it('a manager gets "preparing…" at once, then the table, and the chart and CSV as files in their DM', async () => {
    const { responses } = await slash('U_BOSS', '/privacy-report', '2026-10 by vehicle');
    const answers = await eventually(() => (responses().length >= 2 ? responses() : undefined), 15000);
    expect(texts(answers[0] as Record<string, unknown>)).toContain('Preparing the report for October 2026');
    expect(texts(answers[1] as Record<string, unknown>)).toContain('Private / professional usage');
    const [analysis] = t.sim.requestsTo('analyse/preformattedPrivacy').slice(-1);
    expect(analysis?.body).toMatchObject({
      renderMode: 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS',
      criteria: 'ALL',
      periode: { debut: '2026-09-30T22:00:00.000Z', fin: '2026-10-31T23:00:00.000Z' },
    });
    const complete = await eventually(() => t.slack.callsTo('files.completeUploadExternal').slice(-1)[0]);
    expect(complete.args.channel_id).toBe('D_U_BOSS');
    const uploads = t.slack
      .callsTo('files.getUploadURLExternal')
      .slice(-2)
      .map((c) => c.args.filename);
    expect(uploads).toEqual(['privacy-2026-10-by-vehicle.png', 'privacy-2026-10-by-vehicle.csv']);
  });

  it('someone Ocean does not know is told why, in one sentence, and whom to ask', async () => {
    const { responses } = await slash('U_STRANGER', '/privacy', '');
    const [answer] = await eventually(() => (responses().length ? responses() : undefined));
    expect(texts(answer as Record<string, unknown>)).toContain('stranger@elsewhere.example');
    expect(texts(answer as Record<string, unknown>)).toContain('gestionnaire de flotte');
  });
});

describe('requests that are not from Slack', () => {
  it('forged signatures and stale timestamps get 401 and leave no trace; a replay is acknowledged and does nothing', async () => {
    const responseUrl = t.slack.responseUrl();
    const answered = () => t.slack.responses.filter((r) => responseUrl.endsWith(r.id));
    const oceanBefore = t.sim.requests.length;
    const auditBefore = (await t.service.core.store.auditLog.trail(1000)).length;
    const body = slashBody({ command: '/privacy-report', text: 'last-month', user: 'U_BOSS', responseUrl });
    expect((await post(t.url, body, FORM, sign(body, undefined, 'not-the-secret'))).status).toBe(401);
    expect((await post(t.url, body, FORM, sign(body, Math.floor(Date.now() / 1000) - 301))).status).toBe(401);
    expect((await post(t.url, body, FORM, {})).status).toBe(401);
    const tampered = body.replace('last-month', 'yesterday');
    expect((await post(t.url, tampered, FORM, sign(body))).status).toBe(401);
    await settled(t.service);
    expect(answered()).toEqual([]);
    const headers = sign(body);
    expect((await post(t.url, body, FORM, headers)).status).toBe(200);
    await eventually(() => answered().length === 2, 10_000);
    // The same bytes and signature again, within Slack's five minutes.
    expect((await post(t.url, body, FORM, headers)).status).toBe(200);
    await eventually(() => t.logs.some((l) => l.includes('replayed request ignored')));
    expect(answered()).toHaveLength(2);
    expect(t.sim.requests.slice(oceanBefore).filter((r) => r.endpoint === 'analyse/preformattedPrivacy')).toHaveLength(1);
    expect((await t.service.core.store.auditLog.trail(1000)).length - auditBefore).toBe(1);
  });
});

describe('the daily prompt and its buttons in Slack', () => {
  let prompt: { channel: string; ts: string; blocks: { type: string; elements?: { action_id: string; value: string }[] }[] };

  beforeAll(async () => {
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    expect(report.outcomes).toMatchObject({ failed: 0 });
    expect(report.outcomes.sent).toBeGreaterThan(0);
    const dm = t.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D_U_ALICE');
    expect(dm).toBeDefined();
    prompt = { channel: 'D_U_ALICE', ts: '', blocks: dm?.args.blocks as typeof prompt.blocks };
  });

  function button(choice: 'private' | 'professional', index = 0) {
    const actions = prompt.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    const found = actions.find((a) => a.value.endsWith(`:${index}:${choice}`));
    if (!found) throw new Error('no such button');
    return found;
  }

  it('drivers never heard from are looked up by e-mail; the prompt carries trip lines, buttons and metadata to find it again', () => {
    // Alice used /privacy before, so she is known; the others are found by users.lookupByEmail.
    const looked = t.slack.callsTo('users.lookupByEmail').map((c) => c.args.email);
    expect(looked).toContain(t.sim.fleet.byIndex(13).email);
    expect(looked).not.toContain(alice.email);
    const dm = t.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D_U_ALICE');
    expect(dm?.args.metadata).toMatchObject({ event_type: 'privacy_prompt' });
    expect(JSON.stringify(dm?.args.blocks)).toMatch(/km/);
    expect(prompt.blocks.length).toBeLessThanOrEqual(50);
  });

  it('a click is acknowledged, the message shows "saving…", Ocean gets the answer, then the message shows the recorded choice', async () => {
    const b = button('private');
    const before = t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').length;
    const body = blockActionsBody({ user: 'U_ALICE', actionId: b.action_id, value: b.value, responseUrl: t.slack.responseUrl(), ts: '1700000001.000100' });
    const res = await post(t.url, body, FORM, sign(body));
    expect(res.status).toBe(200);
    const updates = () => t.slack.callsTo('chat.update').filter((c) => c.args.channel === 'D_U_ALICE' && c.args.ts === '1700000001.000100');
    await eventually(() => updates().some((u) => JSON.stringify(u.args.blocks).includes('enregistré à')));
    expect(JSON.stringify(updates()[0]?.args.blocks)).toContain('enregistrement…');
    const sent = t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.query.privacy).toBe('true');
  });

  it('a second click changes the answer; Ocean ends with the last choice', async () => {
    const b = button('professional');
    const body = blockActionsBody({ user: 'U_ALICE', actionId: b.action_id, value: b.value, responseUrl: t.slack.responseUrl() });
    await post(t.url, body, FORM, sign(body));
    const idEtape = Number(t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').slice(-1)[0]?.query.idEtape);
    await eventually(() => t.sim.state.tripMarks.get(idEtape) === false);
  });

  it("someone clicking a button of another driver's prompt changes nothing and is told so", async () => {
    const b = button('private', 1);
    // The earlier tests' answers are delivered first: what follows must change nothing at all.
    await t.service.core.outbox.drain();
    const before = t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').length;
    const promptId = Number(b.value.split(':')[1]);
    const answersBefore = await t.service.core.store.answers.latest(promptId);
    const responseUrl = t.slack.responseUrl();
    const body = blockActionsBody({ user: 'U_BOB', actionId: b.action_id, value: b.value, responseUrl });
    expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
    const reply = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(JSON.stringify(reply.body)).toContain("someone else's trips");
    expect(await t.service.core.store.answers.latest(promptId)).toEqual(answersBefore);
    await settled(t.service);
    expect(t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori')).toHaveLength(before);
  });

  it('a forged button value is refused with a clear message', async () => {
    const responseUrl = t.slack.responseUrl();
    const body = blockActionsBody({ user: 'U_ALICE', actionId: 'trip_answer:0', value: 'ans:1:0:maybe', responseUrl });
    await post(t.url, body, FORM, sign(body));
    const reply = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(JSON.stringify(reply.body)).toContain("n'est plus valable");
  });

  it('App Home shows pending trips and private hours', async () => {
    const body = eventBody({ type: 'app_home_opened', user: 'U_ALICE', channel: 'D_U_ALICE', tab: 'home', event_ts: '1.2' });
    expect((await post(t.url, body, 'application/json', sign(body))).status).toBe(200);
    const published = await eventually(() => t.slack.callsTo('views.publish').find((c) => c.args.user_id === 'U_ALICE'));
    const view = published.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toContain('Horaires');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });
});

describe('editing private hours in a Slack modal', () => {
  it('invalid ranges come back as field errors in the modal, and nothing reaches Ocean', async () => {
    const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_ALICE' });
    const before = t.sim.requests.length;
    const body = viewSubmissionBody({
      user: 'U_ALICE',
      callbackId: 'schedule_form',
      state: `sch:${person?.id}`,
      values: { LUNDI: '18:00-08:00', MARDI: '08:00-09:00, 08:30-10:00', MERCREDI: '' },
    });
    const res = await post(t.url, body, FORM, sign(body));
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors.LUNDI).toContain('le début doit précéder la fin');
    expect(answer.errors.MARDI).toContain('se chevauchent');
    expect(t.sim.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('the edit button opens a modal prefilled with the current week', async () => {
    const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_ALICE' });
    const body = blockActionsBody({ user: 'U_ALICE', actionId: 'schedule_edit:0', value: `sch:${person?.id}`, responseUrl: t.slack.responseUrl() });
    await post(t.url, body, FORM, sign(body));
    const opened = await eventually(() => t.slack.callsTo('views.open').slice(-1)[0]);
    const modal = opened.args.view as { callback_id: string; blocks: { block_id?: string }[] };
    expect(modal.callback_id).toBe('schedule_form');
    expect(modal.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(['LUNDI', 'MARDI', 'MERCREDI', 'JEUDI', 'VENDREDI', 'SAMEDI', 'DIMANCHE']);
  });
});

describe("Slack's rate limits", () => {
  it('a 429 with Retry-After is waited out and the message still goes', async () => {
    t.slack.rateLimit('chat.postMessage', 1, 1);
    const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_BOB' });
    const started = Date.now();
    await t.service.slack?.port.sendDirect(person!, { summary: 'hello', blocks: [{ type: 'text', text: 'hello' }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(
      t.slack.calls
        .filter((c) => c.method.startsWith('chat.postMessage'))
        .slice(-2)
        .map((c) => c.method),
    ).toEqual(['chat.postMessage:429', 'chat.postMessage']);
  });
});
