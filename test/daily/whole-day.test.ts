import { promptTrips } from '../../src/privacy/trips/trip';
import { clicked, user } from '../support/chat';
import { addFleetToSlack, startTestService, TEST_DAY, type TestService } from '../support/service';
import { plain } from '../support/text';

/*
 * "Toute la journée privée / professionnelle" (issue 27, item 3) answers the trips still without
 * an answer; a trip answered otherwise one by one keeps its answer, the driver is told so and
 * may change it too with one more button.
 */

const DRIVER = 9;
let t: TestService;
const driverUser = () => user(`U_${DRIVER}`, { email: t.sim.fleet.byIndex(DRIVER).email }, 'slack', 'T_FLEET');

beforeAll(async () => {
  t = await startTestService({ teams: false });
  addFleetToSlack(t);
  await t.service.core.dailyRun.run(TEST_DAY);
}, 60_000);
afterAll(() => t.stop());

it('the day button leaves a trip answered otherwise as it is, says so, and offers to change it too', async () => {
  const prompt = (await t.service.core.store.prompts.of(t.sim.fleet.byIndex(DRIVER).individuId, TEST_DAY))!;
  const asked = promptTrips(prompt).asked;
  expect(asked.length).toBeGreaterThan(2);
  await clicked(t, driverUser(), 'trip_answer', `ans:${prompt.id}:0:professional`);
  const day = await clicked(t, driverUser(), 'trip_answer', `ans:${prompt.id}:all:private`);
  const choices = async () => new Map((await t.service.core.store.answers.latest(prompt.id)).map((a) => [a.trip_id, a.choice]));
  const after = await choices();
  expect(after.get(asked[0]!.id)).toBe('professional');
  expect(asked.slice(1).every((trip) => after.get(trip.id) === 'private')).toBe(true);
  expect(plain(day.reply!.summary)).toBe('1 trajet avait déjà une autre réponse : il la garde. Les trajets sans réponse sont maintenant « privé ».');
  const change = day.reply!.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : []))[0]!;
  expect(change.label).toBe('Le passer aussi en privé');
  await clicked(t, driverUser(), change.actionId, change.value);
  expect((await choices()).get(asked[0]!.id)).toBe('private');
});
