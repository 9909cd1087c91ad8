import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { translator } from '../../src/i18n';
import { shownDistances } from '../../src/privacy/daily/day-distances';
import { MAX_TRIPS_PER_MESSAGE } from '../../src/privacy/daily/prompt-view';
import { localeOf } from '../../src/privacy/people/people';
import { promptTrips } from '../../src/privacy/trips/trip';
import { user } from '../support/chat';
import { addFleetToSlack, eventually, startTestService, TEST_DAY, type TestService } from '../support/service';
import { blockActionsBody, post, sign } from '../support/slack-requests';

const FORM = 'application/x-www-form-urlencoded';
/** `08:10 → 09:03 · Villefranche-sur-Saône → Givors · 61,8 km · 53 min`: the distance of a trip line (a no-break space before km). */
const TRIP_KM = / · (\d+(?:,\d)?)\skm · /;

/** Tenths of a kilometre as the French views write them ("61,8"), so sums are exact. */
const tenths = (text: string) => Math.round(Number(text.replace(',', '.')) * 10);

describe("a driver's day in the prompt and in the report", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ teams: false });
    addFleetToSlack(t);
  });
  afterAll(() => t.stop());

  it('the trips shown in the prompt add up to the kilometres the report shows for that driver and day', async () => {
    const run = await t.service.core.dailyRun.run(TEST_DAY);
    expect(run.outcomes.failed).toBe(0);
    const prompts = await t.service.core.store.prompts.forDay(TEST_DAY);
    // What each driver read: the trip lines of the message Slack received.
    const shown = new Map<number, number[]>();
    for (const call of t.slack.callsTo('chat.postMessage')) {
      const meta = call.args.metadata as { event_type?: string; event_payload?: { prompt_id?: number } } | undefined;
      if (meta?.event_type !== 'privacy_prompt') continue;
      const lines = JSON.stringify(call.args.blocks)
        .split('"text":"')
        .map((text) => TRIP_KM.exec(text)?.[1])
        .filter((km): km is string => km !== undefined);
      const prompt = prompts.find((p) => p.id === meta.event_payload?.prompt_id);
      if (!prompt) continue;
      // A long day is paged: its other pages are read as the driver would, one click each.
      const pages = Math.ceil(promptTrips(prompt).asked.length / MAX_TRIPS_PER_MESSAGE);
      const person = (await t.service.core.store.people.byId(prompt.person_id!))!;
      for (let page = 1; page < pages; page += 1) {
        const view = await t.service.core.answers.view(prompt, translator(localeOf(person, 'fr')), page);
        for (const block of view.blocks) if (block.type === 'item') lines.push(TRIP_KM.exec(block.text)![1]!);
      }
      shown.set(prompt.individu_id, lines.map(tenths));
    }
    expect(shown.size).toBeGreaterThan(15);
    // Every driver says "all professional" from Slack; Ocean records each answer.
    for (const prompt of prompts) {
      const index = t.sim.fleet.drivers.find((d) => d.individuId === prompt.individu_id)!.index;
      const body = blockActionsBody({
        user: `U_${index}`,
        actionId: 'trip_answer:0',
        value: `ans:${prompt.id}:all:professional`,
        responseUrl: t.slack.responseUrl(),
      });
      expect((await post(t.url, body, FORM, sign(body))).status).toBe(200);
    }
    await eventually(async () => {
      for (const prompt of prompts) {
        const answers = await t.service.core.store.answers.latest(prompt.id);
        if (answers.length < promptTrips(prompt).asked.length || answers.some((a) => a.status !== 'delivered')) return false;
      }
      return true;
    }, 20_000);

    const manager = await t.service.core.people.identify(user('boss', { email: t.sim.fleet.byIndex(0).email!, locale: 'fr' }));
    const view = await t.service.core.reports.report(manager, { first: TEST_DAY, last: TEST_DAY, kind: 'day' }, 'driver');
    const file = view.blocks.find((b) => b.type === 'file');
    const [, ...rows] = parse(file!.type === 'file' ? file!.data : '', { delimiter: ';', bom: true, record_delimiter: '\r\n' }) as string[][];
    const reported = new Map(rows.map((r) => [r[0], tenths(r[2]!)]));
    let driversWhoseLinesRoundedAloneWouldNotAddUp = 0;
    for (const [individuId, lines] of shown) {
      const driver = t.sim.fleet.driver(individuId)!;
      const sum = lines.reduce((s, km) => s + km, 0);
      // The professional kilometres of the report are exactly the trips the driver answered about.
      expect({ driver: driver.firstName, tenthsOfKm: sum }).toEqual({
        driver: driver.firstName,
        tenthsOfKm: reported.get(`${driver.firstName} ${driver.lastName}`),
      });
      const asked = promptTrips(prompts.find((p) => p.individu_id === individuId)!).asked;
      if (asked.reduce((s, trip) => s + Math.round(trip.distanceMeter / 100), 0) !== sum) driversWhoseLinesRoundedAloneWouldNotAddUp += 1;
    }
    // The case this is about occurs in the seeded fleet's day.
    expect(driversWhoseLinesRoundedAloneWouldNotAddUp).toBeGreaterThan(0);
  }, 60_000);

  it('each line moves by less than 100 m, and the lines of any day add up to the day rounded once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 45 }), (meters) => {
        const shown = shownDistances(meters);
        expect(shown.every((m, i) => m % 100 === 0 && Math.abs(m - meters[i]!) < 100)).toBe(true);
        expect(shown.reduce((s, m) => s + m, 0)).toBe(Math.round(meters.reduce((s, m) => s + m, 0) / 100) * 100);
      }),
    );
    // 47.4 km in three trips: rounded apart they would read 15.9 + 15.9 + 15.7 = 47.5.
    expect(shownDistances([15_850, 15_850, 15_700])).toEqual([15_900, 15_800, 15_700]);
  });
});
