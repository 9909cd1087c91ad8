import { toBlocks } from '../../adapters/slack/blocks';
import { toCard } from '../../adapters/teams/cards';
import { ACTION_IDS } from '../../src/views/views';
import { cardProblems } from '../support/cards';
import { clicked, user } from '../support/chat';
import { startTestService, TEST_DAY, type TestService } from '../support/service';

/** A day with more trips than one message can hold is paged, and every trip can be answered. */
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ slack: false, teams: false });
});
afterAll(() => t.stop());

it("a 45-trip day is shown 20 trips a page within Block Kit's and Teams' limits; any trip can be answered", async () => {
  const busy = user('busy', { email: t.sim.fleet.byIndex(9).email });
  const driver = await t.service.core.people.identify(busy);
  const vehicle = t.sim.fleet.vehicle(t.sim.fleet.byIndex(9).vehicleId!)!;
  const asked = Array.from({ length: 45 }, (_, i) => ({
    id: 9_000 + i,
    vehicleId: vehicle.id,
    numeroEmbarque: vehicle.numeroEmbarque,
    start: new Date(Date.UTC(2026, 10, 24, 5, i)).toISOString(),
    end: new Date(Date.UTC(2026, 10, 24, 5, i + 1)).toISOString(),
    fromTown: 'Lyon',
    toTown: 'Bron',
    distanceMeter: 1000,
    durationSec: 60,
  }));
  const prompt = await t.service.core.store.prompts.claim({
    individuId: driver.individuId!,
    day: TEST_DAY,
    personId: driver.person.id,
    trips: { asked, alreadyPrivate: 0 },
    worker: 'w',
    leaseMs: 1,
  });
  const page = async (n: number) => (await clicked(t, busy, ACTION_IDS.page, `pg:${prompt!.id}:${n}`)).update!;
  const views = [await page(0), await page(1), await page(2)];
  expect(views.map((v) => v.blocks.filter((b) => b.type === 'item').length)).toEqual([20, 20, 5]);
  for (const view of views) {
    expect(toBlocks(view).length).toBeLessThanOrEqual(50);
    expect(cardProblems(toCard(view))).toEqual([]);
  }
  expect(JSON.stringify(views[0])).toContain('Page 1/3');
  expect(JSON.stringify(views[2])).toContain(`pg:${prompt!.id}:1`);
  // Trip 31 (page 2) answered: the update shows its page with the answer.
  const answered = await clicked(t, busy, ACTION_IDS.answer, `ans:${prompt!.id}:31:private`);
  expect(JSON.stringify(answered.update)).toContain('Page 2/3');
  expect((await t.service.core.store.answers.latest(prompt!.id)).map((a) => a.trip_id)).toEqual([9_031]);
  // Someone else cannot page through it.
  const nosy = user('nosy', { email: t.sim.fleet.byIndex(11).email });
  expect(JSON.stringify((await clicked(t, nosy, ACTION_IDS.page, `pg:${prompt!.id}:1`)).reply)).toContain('autre personne');
});
