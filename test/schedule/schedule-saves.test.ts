import { ManualClock } from '../../src/clock';
import { RECURRING_PRIVATE_INDEXES } from '../../src/sandbox/fleet';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { FakeSlack } from '../support/fake-slack';
import { freshSchema } from '../support/pg-schema';
import { eventually, startTestService, TEST_NOW, type TestService } from '../support/service';
import { post, sign, viewSubmissionBody } from '../support/slack-requests';
import { describeServerOnly } from '../support/stores';

/*
 * Saving a driver's private hours against the simulator's stricter reading of the docs: one id
 * per DELETE, a posted week merged into what is in force (overlaps refused). Saves of one driver
 * run one at a time, each from the week the previous one left; Ocean ends with exactly the week
 * submitted last; a failure half-way is told to the driver and never leaves a doubled week.
 */

const FORM = 'application/x-www-form-urlencoded';
const RECURRING = 'vieprivee/v1/horairesViePriveeRecurrentesIndividu';
const DAYS = ['LUNDI', 'MARDI', 'MERCREDI', 'JEUDI', 'VENDREDI', 'SAMEDI', 'DIMANCHE'] as const;
type Week = Partial<Record<(typeof DAYS)[number], string>>;

const WEEK_A: Week = { LUNDI: '00:00-07:00, 20:00-23:59', MARDI: '00:00-07:00', SAMEDI: '00:00-23:59' };
const WEEK_B: Week = { LUNDI: '00:00-06:30, 12:00-13:00', MERCREDI: '18:00-23:59', DIMANCHE: '08:00-20:00' };

const pad = (n: number) => String(n).padStart(2, '0');

/** The week Ocean (the simulator) has in force a little ahead of now, as "LUNDI 00:00-07:00" lines. */
function weekInSim(sim: OceanSimulator, individuId: number, now: number): string[] {
  const at = now + 5 * 60_000;
  return sim.state
    .active(individuId, at)
    .map((a) => `${a.slot.idJourSemaine} ${pad(a.slot.debutHeure)}:${pad(a.slot.debutMinute)}-${pad(a.slot.finHeure)}:${pad(a.slot.finMinute)}`)
    .sort();
}

function lines(week: Week): string[] {
  return Object.entries(week)
    .flatMap(([day, text]) => (text ?? '').split(',').map((range) => `${day} ${range.trim()}`))
    .sort();
}

async function person(t: TestService, index: number, user: string) {
  const driver = t.sim.fleet.byIndex(index);
  t.slack.addUser({ id: user, team: 'T_FLEET', email: driver.email!, locale: 'fr-FR', name: user });
  const seen = await t.service.core.store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: user, email: driver.email });
  return { driver, personId: seen.id };
}

let submissions = 0;

async function submit(t: TestService, user: string, personId: number, week: Week) {
  const values = Object.fromEntries(DAYS.map((d) => [d, week[d] ?? '']));
  // A view id of its own: the same form sent twice within a second would otherwise be taken for a replay.
  const body = viewSubmissionBody({ user, callbackId: 'schedule_form', state: `sch:${personId}`, values, viewId: `V_${++submissions}` });
  return post(t.url, body, FORM, sign(body));
}

/** How many requests about the driver's recurring private hours Ocean has received. */
function ocean(sim: OceanSimulator, individuId: number): number {
  return sim.requestsTo(RECURRING).filter((r) => r.query.individuId === String(individuId)).length;
}

function savedViews(t: TestService, from: number): string[] {
  return t.slack
    .callsTo('views.update')
    .slice(from)
    .map((c) => JSON.stringify(c.args.view))
    .filter((v) => v.includes('Ocean contient maintenant'));
}

describe('saving private hours', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
  }, 60_000);
  afterAll(() => t.stop());
  afterEach(() => t.sim.faults.reset());

  it('removing two slots sends two DELETEs of one id each, and Ocean keeps the rest', async () => {
    const { driver, personId } = await person(t, RECURRING_PRIVATE_INDEXES[0] as number, 'U_ONE');
    const before = t.sim.requests.length;
    const views = t.slack.callsTo('views.update').length;
    const week: Week = {
      LUNDI: '00:00-07:30',
      MARDI: '00:00-07:30',
      MERCREDI: '00:00-07:30, 19:00-23:59',
      JEUDI: '00:00-07:30, 19:00-23:59',
      VENDREDI: '00:00-07:30, 19:00-23:59',
      SAMEDI: '00:00-23:59',
      DIMANCHE: '00:00-23:59',
    };
    await submit(t, 'U_ONE', personId, week);
    await eventually(() => savedViews(t, views).length === 1);
    const deletes = t.sim.requests.slice(before).filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.status)).toEqual([204, 204]);
    for (const d of deletes) expect(d.query).toEqual({ individuId: String(driver.individuId), horaireIndividuIds: expect.stringMatching(/^\d+$/) });
    expect(t.sim.requests.slice(before).filter((r) => r.endpoint === RECURRING && r.method === 'POST')).toEqual([]);
    expect(weekInSim(t.sim, driver.individuId, t.clock.now().getTime())).toEqual(lines(week));
  });

  it('two saves a few hundred milliseconds apart (a double click, two tabs) leave exactly the week submitted last', async () => {
    const { driver, personId } = await person(t, RECURRING_PRIVATE_INDEXES[1] as number, 'U_TWO');
    t.sim.setFaults({ latencyMs: 15 });
    const views = t.slack.callsTo('views.update').length;
    const reached = ocean(t.sim, driver.individuId);
    await submit(t, 'U_TWO', personId, WEEK_A);
    // The second comes once the first is under way: it has read the week from Ocean.
    await eventually(() => ocean(t.sim, driver.individuId) > reached);
    await submit(t, 'U_TWO', personId, WEEK_B);
    const secondArrived = t.sim.requests.length;
    await eventually(() => savedViews(t, views).length === 2, 20_000);
    // The saves overlapped: the first was still writing when the second came.
    const posts = t.sim.requests
      .map((r, i) => [r, i] as const)
      .filter(([r]) => r.endpoint === RECURRING && r.method === 'POST' && r.query.individuId === String(driver.individuId));
    expect(posts[0]![1]).toBeGreaterThanOrEqual(secondArrived);
    expect(weekInSim(t.sim, driver.individuId, t.clock.now().getTime())).toEqual(lines(WEEK_B));
    expect(savedViews(t, views).every((v) => !v.includes("n'ont pas pu"))).toBe(true);
    // The second save started from the week the first left: it deleted week A's slots, not the old ones.
    expect(
      t.sim
        .requestsTo(RECURRING, 'POST')
        .filter((r) => r.query.individuId === String(driver.individuId))
        .map((r) => r.status),
    ).toEqual([200, 200]);
  }, 30_000);

  it('a DELETE failing half-way is told to the driver, with what Ocean holds; saving again gives exactly the week', async () => {
    const { driver, personId } = await person(t, RECURRING_PRIVATE_INDEXES[2] as number, 'U_THREE');
    const views = t.slack.callsTo('views.update').length;
    t.sim.setFaults({ failNext: { status: 500, count: 50, after: 1 }, only: RECURRING, onlyMethod: 'DELETE' });
    await submit(t, 'U_THREE', personId, WEEK_A);
    const [failed] = await eventually(() => (savedViews(t, views).length ? savedViews(t, views) : undefined), 20_000);
    expect(failed).toContain("n'ont pas pu être enregistrés");
    const held = weekInSim(t.sim, driver.individuId, t.clock.now().getTime());
    expect(held.length).toBe(11); // one of the twelve slots went, nothing was posted
    expect(t.sim.requestsTo(RECURRING, 'POST').filter((r) => r.query.individuId === String(driver.individuId))).toEqual([]);
    t.sim.faults.reset();
    await submit(t, 'U_THREE', personId, WEEK_A);
    await eventually(() => savedViews(t, views).length === 2, 20_000);
    expect(weekInSim(t.sim, driver.individuId, t.clock.now().getTime())).toEqual(lines(WEEK_A));
  }, 40_000);

  it('a POST failing after the DELETEs is told to the driver and leaves no doubled week; saving again gives exactly the week', async () => {
    const { driver, personId } = await person(t, RECURRING_PRIVATE_INDEXES[3] as number, 'U_FOUR');
    const views = t.slack.callsTo('views.update').length;
    t.sim.setFaults({ failNext: { status: 500, count: 1 }, only: RECURRING, onlyMethod: 'POST' });
    await submit(t, 'U_FOUR', personId, WEEK_B);
    const [failed] = await eventually(() => (savedViews(t, views).length ? savedViews(t, views) : undefined), 20_000);
    expect(failed).toContain("n'ont pas pu être enregistrés");
    expect(weekInSim(t.sim, driver.individuId, t.clock.now().getTime())).toEqual([]);
    await submit(t, 'U_FOUR', personId, WEEK_B);
    await eventually(() => savedViews(t, views).length === 2, 20_000);
    expect(weekInSim(t.sim, driver.individuId, t.clock.now().getTime())).toEqual(lines(WEEK_B));
    expect(JSON.stringify(savedViews(t, views)[1])).toContain('dim. 08:00–20:00');
  }, 40_000);
});

describeServerOnly()('saving private hours from two instances', () => {
  it('two saves of one driver reaching two instances sharing PostgreSQL run one after the other; Ocean ends with the week submitted last', async () => {
    const db = await freshSchema();
    const clock = new ManualClock(TEST_NOW);
    const sim = new OceanSimulator({ clock });
    await sim.start();
    const slack = new FakeSlack();
    await slack.start();
    const options = { teams: false as const, simulator: sim, fakeSlack: slack, databaseUrl: db.url, clock };
    const [a, b] = await Promise.all([startTestService(options), startTestService(options)]);
    try {
      const { driver, personId } = await person(a, RECURRING_PRIVATE_INDEXES[4] as number, 'U_FIVE');
      sim.setFaults({ latencyMs: 15 });
      const views = slack.callsTo('views.update').length;
      const reached = ocean(sim, driver.individuId);
      await submit(a, 'U_FIVE', personId, WEEK_A);
      await eventually(() => ocean(sim, driver.individuId) > reached);
      await submit(b, 'U_FIVE', personId, WEEK_B);
      const secondArrived = sim.requests.length;
      await eventually(() => savedViews(a, views).length === 2, 25_000);
      const posts = sim.requests
        .map((r, i) => [r, i] as const)
        .filter(([r]) => r.endpoint === RECURRING && r.method === 'POST' && r.query.individuId === String(driver.individuId));
      expect(posts.map(([r]) => r.status)).toEqual([200, 200]);
      expect(posts[0]![1]).toBeGreaterThanOrEqual(secondArrived);
      expect(weekInSim(sim, driver.individuId, clock.now().getTime())).toEqual(lines(WEEK_B));
      expect(savedViews(a, views).every((v) => !v.includes("n'ont pas pu"))).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await slack.stop();
      await sim.stop();
    }
  }, 60_000);
});
