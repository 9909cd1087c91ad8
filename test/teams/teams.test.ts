import { cardProblems, cardsOf } from '../support/cards';
import { teamsActivity } from '../support/fake-connector';
import { eventually, startTestService, TEST_DAY, type TestService } from '../support/service';

let t: TestService;
const ALICE = { id: '29:alice', name: 'Alice Teams' };
const BOB = { id: '29:bob', name: 'Bob Teams' };
const BOSS = { id: '29:boss', name: 'Boss Teams' };

async function send(activity: Record<string, unknown>, url = t.url) {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

function message(user: { id: string; name: string }, text: string) {
  return teamsActivity(t.connector.url, user, { type: 'message', text });
}

function invoke(user: { id: string; name: string }, data: Record<string, unknown>) {
  return teamsActivity(t.connector.url, user, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: String(data.actionId ?? data.formId), data } },
  });
}

/** Every card the bot sent so far passes the Adaptive Cards parser with no warning. */
function expectValidCards() {
  const cards = [...t.connector.sent(), ...t.connector.updated()].flatMap((c) => cardsOf(c.body));
  expect(cards.length).toBeGreaterThan(0);
  for (const card of cards) expect(cardProblems(card)).toEqual([]);
}

function allText(activity: Record<string, unknown>): string {
  return JSON.stringify(cardsOf(activity));
}

beforeAll(async () => {
  t = await startTestService({ slack: false });
  t.connector.members.set(ALICE.id, { id: ALICE.id, name: ALICE.name, email: t.sim.fleet.byIndex(9).email as string });
  t.connector.members.set(BOB.id, { id: BOB.id, name: BOB.name, userPrincipalName: t.sim.fleet.byIndex(11).email as string });
  t.connector.members.set(BOSS.id, { id: BOSS.id, name: BOSS.name, email: t.sim.fleet.byIndex(0).email as string });
});
afterAll(() => t.stop());

describe('Teams through the real CloudAdapter', () => {
  it('on installation it stores the conversation, reads the e-mail with getMember and greets the user once', async () => {
    const install = teamsActivity(t.connector.url, ALICE, { type: 'conversationUpdate', membersAdded: [{ id: ALICE.id }], text: undefined });
    expect((await send(install)).status).toBe(200);
    expect(t.connector.calls.some((c) => c.path.endsWith(`/members/${encodeURIComponent(ALICE.id)}`) || c.path.endsWith(`/members/${ALICE.id}`))).toBe(true);
    expect(t.connector.sent()).toHaveLength(1);
    expect(allText(t.connector.sent()[0]!.body)).toContain('Bienvenue');
    await send(install);
    expect(t.connector.sent()).toHaveLength(1);
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` });
    expect(person?.email).toBe(t.sim.fleet.byIndex(9).email);
    expect(person?.individu_id).toBe(t.sim.fleet.byIndex(9).individuId);
    expect((await t.service.core.store.conversations.of(person!.id))?.reference).toMatchObject({
      serviceUrl: t.connector.url,
      conversation: { id: `a:conv-${ALICE.id}` },
    });
  });

  it('answers "help" with a card, and the bot\'s @mention is ignored', async () => {
    t.connector.reset();
    await send({
      ...message(ALICE, '<at>Privacy</at> help'),
      entities: [{ type: 'mention', text: '<at>Privacy</at>', mentioned: { id: '28:bot', name: 'Privacy' } }],
    });
    expect(allText(t.connector.sent()[0]!.body)).toContain('Vie privée — aide');
    expectValidCards();
  });

  it('a driver asking for the report is refused and Ocean is not asked; a manager gets the table, the chart and a CSV link', async () => {
    t.connector.reset();
    const before = t.sim.requestsTo('analyse/preformattedPrivacy').length;
    await send(message(BOB, 'privacy-report'));
    expect(allText(t.connector.sent()[0]!.body)).toContain('réservée aux gestionnaires');
    expect(t.sim.requestsTo('analyse/preformattedPrivacy')).toHaveLength(before);
    t.connector.reset();
    await send({ ...message(BOSS, 'privacy-report last-month'), locale: 'en-US' });
    const [preparing, report] = t.connector.sent();
    expect(allText(preparing!.body)).toContain('Preparing the report for October 2026');
    const card = cardsOf(report!.body)[0] as { body: { type: string; url?: string }[]; actions: { type: string; url: string }[] };
    expect(card.body.some((e) => e.type === 'Image' && e.url?.startsWith('data:image/png;base64,'))).toBe(true);
    const link = card.actions.find((a) => a.type === 'Action.OpenUrl');
    expect(link?.url).toMatch(/^http:\/\/127\.0\.0\.1\/files\/[\w-]+$/);
    const csv = await fetch(`${t.url}${new URL(link!.url).pathname}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toContain('Private (km)');
    expectValidCards();
    // The link outlives its message's first days: it works as long as the bot keeps what it recorded, then says why it no longer does.
    const start = t.clock.now();
    try {
      t.clock.advance((t.service.core.config.retentionDays - 1) * 24 * 3600_000);
      expect((await fetch(`${t.url}${new URL(link!.url).pathname}`)).status).toBe(200);
      t.clock.advance(2 * 24 * 3600_000);
      const gone = await fetch(`${t.url}${new URL(link!.url).pathname}`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
      expect(gone.status).toBe(404);
      expect(gone.headers.get('content-type')).toContain('text/html');
      expect(await gone.text()).toContain('Ce fichier n’est plus disponible');
    } finally {
      t.clock.set(start);
    }
  });
});

describe('the daily prompt in Teams', () => {
  let promptCard: Record<string, unknown>;

  beforeAll(async () => {
    t.connector.reset();
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    expect(report.outcomes.failed).toBe(0);
    const toAlice = t.connector.sent().find((c) => c.conversationId === `a:conv-${ALICE.id}`);
    expect(toAlice).toBeDefined();
    promptCard = cardsOf(toAlice!.body)[0]!;
  });

  function execute(choice: string, index = 0): Record<string, unknown> {
    const found = JSON.stringify(promptCard).match(new RegExp(`"data":\\{"actionId":"trip_answer","value":"(ans:\\d+:${index}:${choice})"\\}`));
    if (!found) throw new Error('no such button');
    return { actionId: 'trip_answer', value: found[1] };
  }

  it('goes proactively to the stored conversation, as a valid card with Private / Professional buttons', () => {
    expect(JSON.stringify(promptCard)).toContain('Action.Execute');
    expectValidCards();
  });

  it('a click is answered in the invoke with the card replaced in place; Ocean gets it; the card then shows the recorded choice', async () => {
    const before = t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').length;
    const res = await send(invoke(ALICE, execute('professional')));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(res.body)).toContain('enregistrement…');
    expect(cardProblems((res.body as { value: unknown }).value)).toEqual([]);
    await eventually(() => t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori').length > before);
    const update = await eventually(() => t.connector.updated().find((u) => allText(u.body).includes('enregistré à')));
    expect(update.activityId).toBeDefined();
    expectValidCards();
  });

  it("someone acting on another driver's card changes nothing and is told so", async () => {
    const prompt = Number((execute('private', 1).value as string).split(':')[1]);
    const before = await t.service.core.store.answers.latest(prompt);
    const res = await send(invoke(BOB, execute('private', 1)));
    expect(JSON.stringify(res.body)).toContain("d'une autre personne");
    expect(await t.service.core.store.answers.latest(prompt)).toEqual(before);
  });

  it('a bot uninstalled (403) marks the conversation inactive instead of retrying forever', async () => {
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` });
    await t.service.core.outbox.drain();
    t.connector.reset();
    t.connector.fail(403, 10); // Teams keeps refusing: the user uninstalled the bot
    await expect(t.service.teams!.port.sendDirect(person!, { summary: 'x', blocks: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({ kind: 'gone' });
    const attempts = t.connector.calls.filter((c) => c.method === 'POST:403').length;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(4);
    t.connector.fail(403, -10);
    expect((await t.service.core.store.conversations.of(person!.id))?.active).toBe(false);
    await t.service.core.store.conversations.save(person!.id, (await t.service.core.store.conversations.of(person!.id))!.reference);
  });

  it('429 and 5xx from the Bot Connector are retried with backoff', async () => {
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` });
    await t.service.core.outbox.drain();
    t.connector.reset();
    t.connector.fail(429, 1);
    t.connector.fail(503, 1);
    await t.service.teams!.port.sendDirect(person!, { summary: 'x', blocks: [{ type: 'text', text: 'x' }] });
    expect(t.connector.calls.map((c) => c.method)).toEqual(['POST:429', 'POST:503', 'POST']);
  });
});

describe('private hours in a Teams card', () => {
  it('the edit button gives a form card; invalid ranges come back in the card; a valid week is saved and read back', async () => {
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` });
    const form = await send(invoke(ALICE, { actionId: 'schedule_edit', value: `sch:${person!.id}` }));
    expect(JSON.stringify(form.body)).toContain('Input.Text');
    expect(cardProblems((form.body as { value: unknown }).value)).toEqual([]);
    const before = t.sim.requests.length;
    const invalid = await send(invoke(ALICE, { formId: 'schedule_form', state: `sch:${person!.id}`, LUNDI: '25:00-26:00' }));
    expect(JSON.stringify(invalid.body)).toContain('00:00 à 23:59');
    expect(t.sim.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    const saved = await send(
      invoke(ALICE, {
        formId: 'schedule_form',
        state: `sch:${person!.id}`,
        LUNDI: '18:00-23:59',
        MARDI: '',
        MERCREDI: '',
        JEUDI: '',
        VENDREDI: '',
        SAMEDI: '',
        DIMANCHE: '',
      }),
    );
    expect(JSON.stringify(saved.body)).toContain('Ocean contient maintenant');
    expect(JSON.stringify(saved.body)).toContain('18:00–23:59');
    const post = t.sim.requestsTo('vieprivee/v1/horairesViePriveeRecurrentesIndividu', 'POST').slice(-1)[0];
    expect(post?.body).toEqual({
      innerMap: {
        map: { LUNDI: { VIE_PRIVEE: [{ idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 18, finHeure: 23, debutMinute: 0, finMinute: 59 }] } },
      },
    });
  });

  it("the request id of the activity's HTTP request goes with the Ocean calls its turn makes", async () => {
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` });
    const activity = invoke(ALICE, { actionId: 'schedule_edit', value: `sch:${person!.id}` });
    const res = await fetch(`${t.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-teams-31' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-teams-31');
    const traced = t.sim.requests.filter((r) => r.requestId === 'req-teams-31').map((r) => r.endpoint);
    expect(traced).toEqual(
      expect.arrayContaining(['vieprivee/v1/horairesViePriveeRecurrentesIndividu', 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu']),
    );
  });
});

describe('Teams with an app id', () => {
  it('refuses requests without a valid Bot Framework token with 401 and does nothing', async () => {
    const secured = await startTestService({ slack: false, teams: { appId: '00000000-0000-0000-0000-000000000001', password: 'secret' }, simulator: t.sim });
    try {
      const before = secured.sim.requests.length;
      const res = await send(message(ALICE, 'privacy-report'), secured.url);
      expect(res.status).toBe(401);
      const forged = await fetch(`${secured.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.jwt' },
        body: JSON.stringify(message(ALICE, 'help')),
      });
      expect(forged.status).toBe(401);
      expect(secured.connector.calls).toEqual([]);
      expect(secured.sim.requests.length).toBe(before);
      expect(await secured.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${ALICE.id}` })).toBeUndefined();
    } finally {
      await secured.stop();
    }
  });
});
