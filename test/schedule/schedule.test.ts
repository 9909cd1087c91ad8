import { RECURRING_PRIVATE_INDEXES } from '../../src/sandbox/fleet';
import { teamsActivity } from '../support/fake-connector';
import { eventually, startTestService, type TestService } from '../support/service';
import { blockActionsBody, post, sign, slashBody, viewSubmissionBody } from '../support/slack-requests';

const FORM = 'application/x-www-form-urlencoded';
const RECURRING = 'vieprivee/v1/horairesViePriveeRecurrentesIndividu';
const EXCEPTIONAL_POST = 'vieprivee/v1/horaireViePriveeExceptionnelleIndividu';
const EXCEPTIONAL = 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu';

let t: TestService;
const driverIndex = RECURRING_PRIVATE_INDEXES[1] as number; // weekday nights and evenings, whole weekends

async function submit(callbackId: string, values: Record<string, string>, user = 'U_DRV') {
  const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_DRV' });
  const body = viewSubmissionBody({ user, callbackId, state: `sch:${person!.id}`, values });
  const res = await post(t.url, body, FORM, sign(body));
  return { status: res.status, answer: res.text ? (JSON.parse(res.text) as { response_action?: string; errors?: Record<string, string> }) : {} };
}

function lastModal(): string {
  return JSON.stringify(t.slack.callsTo('views.update').slice(-1)[0]?.args.view);
}

const WEEK = {
  LUNDI: '00:00-07:30, 19:00-23:59',
  MARDI: '00:00-07:30, 19:00-23:59',
  MERCREDI: '00:00-07:30, 19:00-23:59',
  JEUDI: '00:00-07:30, 19:00-23:59',
  VENDREDI: '00:00-07:30, 19:00-23:59',
  SAMEDI: '00:00-23:59',
  DIMANCHE: '00:00-23:59',
};

beforeAll(async () => {
  t = await startTestService({});
  t.slack.addUser({ id: 'U_DRV', team: 'T_FLEET', email: t.sim.fleet.byIndex(driverIndex).email!, locale: 'fr-FR', name: 'Driver' });
  t.slack.addUser({ id: 'U_BOSS', team: 'T_FLEET', email: t.sim.fleet.byIndex(0).email!, locale: 'fr-FR', name: 'Boss' });
  t.slack.addUser({ id: 'U_OTHER', team: 'T_FLEET', email: t.sim.fleet.byIndex(13).email!, locale: 'fr-FR', name: 'Other' });
  // Make the driver known to the store (as their first /privacy would).
  const responseUrl = t.slack.responseUrl();
  const body = slashBody({ command: '/privacy', text: 'schedule', user: 'U_DRV', responseUrl });
  await post(t.url, body, FORM, sign(body));
  await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
});
afterAll(() => t.stop());

describe('private hours from Slack', () => {
  it('/privacy schedule shows the week readably and the coming exceptional periods', async () => {
    const responseUrl = t.slack.responseUrl();
    const body = slashBody({ command: '/privacy', text: 'schedule', user: 'U_DRV', responseUrl });
    await post(t.url, body, FORM, sign(body));
    const answer = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    const text = JSON.stringify(answer.body.blocks);
    expect(text).toContain('lun. 00:00–07:30, 19:00–23:59');
    expect(text).toContain('sam. 00:00–23:59');
    expect(text).toContain('Aucune période exceptionnelle');
  });

  it('removing a slot sends a DELETE of exactly that slot id, and nothing else; the modal shows what Ocean holds', async () => {
    const individuId = t.sim.fleet.byIndex(driverIndex).individuId;
    const before = t.sim.requests.length;
    const lundi = t.sim.state.current(individuId, Date.now()).find((a) => a.slot.idJourSemaine === 'LUNDI' && a.slot.debutHeure === 19);
    const { answer } = await submit('schedule_form', { ...WEEK, LUNDI: '00:00-07:30' });
    expect(answer.response_action).toBe('update');
    await eventually(() => lastModal().includes('Ocean contient maintenant'));
    const writes = t.sim.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.method, r.endpoint, r.query])).toEqual([
      ['DELETE', RECURRING, { individuId: String(individuId), horaireIndividuIds: String(lundi!.id) }],
    ]);
    expect(lastModal()).toContain('lun. 00:00–07:30');
    expect(lastModal()).not.toContain('lun. 00:00–07:30, 19:00');
  });

  it('adding slots deletes every slot in force, one DELETE per id, then posts the whole week as innerMap from now on (never the past)', async () => {
    const individuId = t.sim.fleet.byIndex(driverIndex).individuId;
    const before = t.sim.requests.length;
    const inForce = t.sim.state.current(individuId, t.clock.now().getTime()).length;
    await submit('schedule_form', { ...WEEK, LUNDI: '00:00-07:30, 12h-13h30', MARDI: '00:00-08:00, 19:00-23:59' });
    await eventually(() => lastModal().includes('12:00–13:30'));
    const writes = t.sim.requests.slice(before).filter((r) => r.method !== 'GET');
    // Whether Ocean merges a posted week or replaces the one in force is undocumented: emptied first, the result is the same either way.
    expect(writes.map((r) => r.method)).toEqual([...Array(inForce).fill('DELETE'), 'POST']);
    for (const w of writes.slice(0, -1)) expect(w.query.horaireIndividuIds).toMatch(/^\d+$/);
    const post = writes[inForce]!;
    expect(post.query.individuId).toBe(String(individuId));
    expect(post.query.dateDebut).toMatch(/^25\/11\/2026 07:30:0\d Z$/);
    const map = (post.body as { innerMap: { map: Record<string, { VIE_PRIVEE: unknown[] }> } }).innerMap.map;
    expect(Object.keys(map)).toEqual(['LUNDI', 'MARDI', 'MERCREDI', 'JEUDI', 'VENDREDI', 'SAMEDI', 'DIMANCHE']);
    expect(map.LUNDI!.VIE_PRIVEE).toEqual([
      { idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 0, finHeure: 7, debutMinute: 0, finMinute: 30 },
      { idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 12, finHeure: 13, debutMinute: 0, finMinute: 30 },
    ]);
    expect(lastModal()).toContain('mar. 00:00–08:00, 19:00–23:59');
  });

  it("invalid ranges are refused on their field, in the user's language, before Ocean is called", async () => {
    const before = t.sim.requests.length;
    const { answer } = await submit('schedule_form', {
      ...WEEK,
      MERCREDI: '9h-8h',
      JEUDI: 'soon',
      VENDREDI: '0:00-1:00,1:00-2:00,2:00-3:00,3:00-4:00,4:00-5:00,5:00-6:00,6:00-7:00',
      SAMEDI: '10:00-12:00, 11:00-13:00',
      DIMANCHE: '23:00-24:30',
    });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors).toEqual({
      MERCREDI: expect.stringContaining('le début doit précéder la fin'),
      JEUDI: expect.stringContaining('HH:MM-HH:MM'),
      VENDREDI: expect.stringContaining('Au plus 6 plages'),
      SAMEDI: expect.stringContaining('se chevauchent'),
      DIMANCHE: expect.stringContaining('00:00 à 23:59'),
    });
    expect(t.sim.requests.slice(before)).toEqual([]);
  });

  it('an exceptional period is added with its description and dates, and refused when it would start in the past', async () => {
    const individuId = t.sim.fleet.byIndex(driverIndex).individuId;
    const before = t.sim.requests.length;
    const past = await submit('period_form', { description: 'Congés', from: '20/11/2026', to: '22/11/2026' });
    expect(past.answer.errors?.from).toContain('ne modifie jamais le passé');
    const order = await submit('period_form', { description: 'Congés', from: '10/12/2026', to: '08/12/2026' });
    expect(order.answer.errors?.to).toContain('La fin doit suivre le début');
    expect(t.sim.requests.slice(before)).toEqual([]);
    await submit('period_form', { description: 'Congés  d’hiver', from: '21/12/2026', to: '23/12/2026' });
    await eventually(() => lastModal().includes('Congés d’hiver'));
    const post = t.sim.requestsTo(EXCEPTIONAL_POST, 'POST').slice(-1)[0]!;
    expect(post.query).toEqual({
      individuId: String(individuId),
      description: 'Congés d’hiver',
      dateDebut: '20/12/2026 23:00:00 Z',
      dateFin: '23/12/2026 23:00:00 Z',
    });
    expect(post.body).toBeUndefined();
  });

  it('a coming period is deleted by its extension id once the driver confirms; one that has started is refused before Ocean is called', async () => {
    const individuId = t.sim.fleet.byIndex(driverIndex).individuId;
    const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_DRV' });
    const coming = [...t.sim.state.exceptional.values()].find((p) => p.individuId === individuId)!;
    const responseUrl = t.slack.responseUrl();
    let body = blockActionsBody({ user: 'U_DRV', actionId: 'period_delete:0', value: `per:${person!.id}:${coming.debut}`, responseUrl, ephemeral: true });
    await post(t.url, body, FORM, sign(body));
    // First the question, in place of the list: nothing is deleted yet.
    const asked = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(JSON.stringify(asked.body)).toContain('Supprimer la période');
    expect(asked.body.replace_original).toBe(true);
    expect(t.sim.requestsTo(EXCEPTIONAL, 'DELETE')).toEqual([]);
    body = blockActionsBody({ user: 'U_DRV', actionId: 'period_delete_confirm:0', value: `per:${person!.id}:${coming.debut}`, responseUrl, ephemeral: true });
    await post(t.url, body, FORM, sign(body));
    await eventually(() => t.sim.requestsTo(EXCEPTIONAL, 'DELETE').length === 1);
    expect(t.sim.requestsTo(EXCEPTIONAL, 'DELETE')[0]!.query).toEqual({ horaireExtensionIds: String(coming.extensionId) });
    const started = t.sim.state.addExceptional(individuId, 'Arrêt', Date.parse('2026-11-24T23:00:00Z'), Date.parse('2026-11-27T23:00:00Z'), 'test');
    const reply = t.slack.responseUrl();
    body = blockActionsBody({ user: 'U_DRV', actionId: 'period_delete:0', value: `per:${person!.id}:${started.debut}`, responseUrl: reply, ephemeral: true });
    await post(t.url, body, FORM, sign(body));
    const answer = await eventually(() => t.slack.responses.find((r) => reply.endsWith(r.id)));
    expect(JSON.stringify(answer.body)).toContain('déjà commencé');
    expect(t.sim.requestsTo(EXCEPTIONAL, 'DELETE')).toHaveLength(1);
  });

  it("only the driver edits their own hours; a manager may view anyone's", async () => {
    const person = await t.service.core.store.people.find({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_DRV' });
    const before = t.sim.requests.length;
    const other = viewSubmissionBody({ user: 'U_OTHER', callbackId: 'schedule_form', state: `sch:${person!.id}`, values: WEEK });
    await post(t.url, other, FORM, sign(other));
    await eventually(() => lastModal().includes('Seul le conducteur'));
    expect(t.sim.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    const responseUrl = t.slack.responseUrl();
    const asManager = slashBody({ command: '/privacy', text: 'schedule <@U_DRV|driver>', user: 'U_BOSS', responseUrl });
    await post(t.url, asManager, FORM, sign(asManager));
    const answer = await eventually(() => t.slack.responses.find((r) => responseUrl.endsWith(r.id)));
    expect(JSON.stringify(answer.body)).toContain('Horaires de vie privée de');
    expect(JSON.stringify(answer.body)).not.toContain('schedule_edit');
    const refused = t.slack.responseUrl();
    const asDriver = slashBody({ command: '/privacy', text: 'schedule <@U_DRV>', user: 'U_OTHER', responseUrl: refused });
    await post(t.url, asDriver, FORM, sign(asDriver));
    expect(JSON.stringify((await eventually(() => t.slack.responses.find((r) => refused.endsWith(r.id)))).body)).toContain('réservée aux gestionnaires');
  });
});

describe('private hours from Teams', () => {
  it('an exceptional period added from a card is sent as documented and read back', async () => {
    const user = { id: '29:drv', name: 'Driver' };
    t.connector.members.set(user.id, { id: user.id, name: 'Driver', email: t.sim.fleet.byIndex(14).email! });
    const send = async (fields: Record<string, unknown>) => {
      const res = await fetch(`${t.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsActivity(t.connector.url, user, fields)),
      });
      return res.text();
    };
    await send({ type: 'message', text: 'privacy schedule' });
    const person = await t.service.core.store.people.find({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${user.id}` });
    const form = await send({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'period_add', data: { actionId: 'period_add', value: `sch:${person!.id}` } } },
    });
    expect(form).toContain('Input.Text');
    const saved = await send({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: {
          type: 'Action.Execute',
          verb: 'period_form',
          data: { formId: 'period_form', state: `sch:${person!.id}`, description: 'Pont', from: '07/12/2026', to: '07/12/2026' },
        },
      },
    });
    expect(saved).toContain('Ocean contient maintenant');
    expect(saved).toContain('07/12/2026 → 07/12/2026 (Pont)');
    expect(t.sim.requestsTo(EXCEPTIONAL_POST, 'POST').slice(-1)[0]!.query).toMatchObject({
      individuId: String(t.sim.fleet.byIndex(14).individuId),
      dateDebut: '06/12/2026 23:00:00 Z',
      dateFin: '07/12/2026 23:00:00 Z',
    });
  });
});
