import { ManualClock } from '../../src/clock';
import { isUnconfirmed } from '../../src/privacy/daily/answer-status';
import { promptTrips } from '../../src/privacy/trips/trip';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { eventually, startTestService, TEST_DAY, TEST_NOW, type TestService } from '../support/service';
import { blockActionsBody, post, sign } from '../support/slack-requests';
import { settled } from '../support/wait';

/*
 * A driver's answer reaches Ocean's retroactive endpoint through the outbox. Only Ocean's
 * documented `true` counts as delivered: `false` is a refusal the driver sees, any other body
 * leaves the answer not saved for an operator, and neither is sent again.
 */

const FORM = 'application/x-www-form-urlencoded';
const STEP = 'vieprivee/v1/etapeViePriveePosteriori';

/** Driver `index` answers "private" to their first trip of TEST_DAY; resolves with the settled answer. */
async function answerFirstTrip(t: TestService, index: number) {
  const driver = t.sim.fleet.byIndex(index);
  if (!(await t.service.core.store.prompts.of(driver.individuId, TEST_DAY))) await t.service.core.dailyRun.run(TEST_DAY);
  const prompt = (await t.service.core.store.prompts.of(driver.individuId, TEST_DAY))!;
  const body = blockActionsBody({ user: `U_${index}`, actionId: 'trip_answer:0', value: `ans:${prompt.id}:0:private`, responseUrl: t.slack.responseUrl() });
  await post(t.url, body, FORM, sign(body));
  const answer = await eventually(async () => {
    const [latest] = await t.service.core.store.answers.latest(prompt.id);
    return latest && latest.status !== 'pending' ? latest : undefined;
  });
  return { prompt, answer, idEtape: promptTrips(prompt).asked[0]!.id };
}

const stepsFor = (t: TestService, idEtape: number) => t.sim.requestsTo(STEP).filter((r) => r.query.idEtape === String(idEtape));

describe('delivering an answer to Ocean', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
    // Only the drivers these tests click for: the others are unreachable and cost the run nothing.
    for (const index of [9, 11, 13, 14, 15, 16]) {
      const d = t.sim.fleet.byIndex(index);
      t.slack.addUser({ id: `U_${index}`, team: 'T_FLEET', email: d.email!, name: d.firstName });
    }
  }, 60_000);
  afterAll(() => t.stop());
  afterEach(() => {
    t.sim.faults.reset();
    t.sim.ctx.booleanForm = 'plain';
    t.sim.ctx.codeExploitant = undefined;
  });

  it("Ocean's documented true is delivered and shown as recorded", async () => {
    t.sim.ctx.booleanForm = 'array';
    const { answer, idEtape } = await answerFirstTrip(t, 9);
    expect(answer.status).toBe('delivered');
    expect(t.sim.state.tripMarks.get(idEtape)).toBe(true);
  });

  it("Ocean's documented false is a refusal shown to the driver, sent once", async () => {
    t.sim.ctx.booleanForm = 'object';
    const driver = t.sim.fleet.byIndex(11);
    for (const trip of t.sim.fleet.trips(driver.vehicleId!, TEST_DAY, 'Europe/Paris')) t.sim.state.refusedSteps.add(trip.id);
    const { answer, idEtape } = await answerFirstTrip(t, 11);
    expect(answer.status).toBe('refused');
    expect(answer.last_error).toBe('Ocean answered false');
    expect(isUnconfirmed(answer)).toBe(false);
    await eventually(() =>
      t.slack.callsTo('chat.update').some((c) => c.args.channel === 'D_U_11' && JSON.stringify(c.args.blocks).includes('refusé par Ocean')),
    );
    expect(stepsFor(t, idEtape)).toHaveLength(1);
  });

  it.each([
    [13, '{}', {}],
    [14, '"OK"', 'OK'],
    [15, '0', 0],
  ])('driver %i: a 200 with %s is not counted delivered, not sent again, and left for an operator', async (index, _name, body) => {
    const metrics = async () => (await (await fetch(`${t.url}/metrics`)).text()).match(/privacy_answers_unconfirmed_total (\d+)/)?.[1];
    const before = Number(await metrics());
    t.sim.setFaults({ bodyNext: { count: 100, body }, only: STEP });
    const { answer, idEtape, prompt } = await answerFirstTrip(t, index);
    expect(answer.status).toBe('refused');
    expect(isUnconfirmed(answer)).toBe(true);
    expect(answer.delivered_at).toBeNull();
    await settled(t.service);
    expect(stepsFor(t, idEtape)).toHaveLength(1);
    expect((await t.service.core.store.auditLog.trail()).some((e) => e.action === 'answer.unconfirmed' && e.subject === `answer:${answer.id}`)).toBe(true);
    expect(t.logs.join('')).toContain('not counted as saved');
    expect(Number(await metrics())).toBe(before + 1);
    const redrawn = await eventually(() =>
      t.slack
        .callsTo('chat.update')
        .filter((c) => c.args.channel === `D_U_${index}`)
        .pop(),
    );
    expect(JSON.stringify(redrawn.args.blocks)).not.toContain('enregistré à');
    expect(prompt.individu_id).toBe(t.sim.fleet.byIndex(index).individuId);
  });

  it("Ocean needing the customer's code while OCEAN_CODE_EXPLOITANT is unset: refused, and the log and /readyz say the setting may be missing", async () => {
    t.sim.ctx.codeExploitant = '1110000001';
    expect(((await (await fetch(`${t.url}/readyz`)).json()) as { detail?: string[] }).detail).toBeUndefined();
    const { answer, idEtape } = await answerFirstTrip(t, 16);
    expect(answer.status).toBe('refused');
    expect(stepsFor(t, idEtape)[0]?.query.codeExploitant).toBeUndefined();
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { detail?: string[] }).detail).toEqual([expect.stringContaining('OCEAN_CODE_EXPLOITANT is not set')]);
    expect(t.logs.join('')).toContain('OCEAN_CODE_EXPLOITANT is not set');
  });
});

it("with OCEAN_CODE_EXPLOITANT set, every answer carries the customer's code and is delivered", async () => {
  const sim = new OceanSimulator({ clock: new ManualClock(TEST_NOW), codeExploitant: '1110000001' });
  await sim.start();
  const ocean = { baseUrl: sim.baseUrl, login: sim.login, password: sim.password, customerId: undefined, codeExploitant: '1110000001' };
  const t = await startTestService({ teams: false, simulator: sim, clock: new ManualClock(TEST_NOW), config: { ocean } });
  try {
    t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: sim.fleet.byIndex(9).email!, name: 'Nine' });
    const { answer, idEtape } = await answerFirstTrip(t, 9);
    expect(answer.status).toBe('delivered');
    expect(stepsFor(t, idEtape).map((r) => r.query.codeExploitant)).toEqual(['1110000001']);
    expect(((await (await fetch(`${t.url}/readyz`)).json()) as { detail?: string[] }).detail).toBeUndefined();
  } finally {
    await t.stop();
    await sim.stop();
  }
}, 60_000);
