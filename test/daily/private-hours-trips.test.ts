import { promptTrips } from '../../src/privacy/trips/trip';
import { RECURRING_PRIVATE_INDEXES } from '../../src/sandbox/fleet';
import type { View } from '../../src/views/views';
import { clicked, user } from '../support/chat';
import { addFleetToSlack, startTestService, TEST_DAY, type TestService } from '../support/service';

/*
 * Trips the private hours already count as private (issue 27, item 5) are no longer only
 * counted: they are listed, folded under that line, and the driver can mark one professional,
 * which goes to Ocean like any answer.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ teams: false });
  addFleetToSlack(t);
  await t.service.core.dailyRun.run(TEST_DAY);
}, 60_000);
afterAll(() => t.stop());

const buttons = (view: View) => view.blocks.flatMap((b) => (b.type === 'actions' || b.type === 'item' ? b.actions : []));

it('shows the trips already private by the private hours on request, and one can be marked professional', async () => {
  const prompts = await t.service.core.store.prompts.forDay(TEST_DAY);
  const ids = RECURRING_PRIVATE_INDEXES.map((i) => t.sim.fleet.byIndex(i).individuId);
  const prompt = prompts.find((p) => ids.includes(p.individu_id) && promptTrips(p).alreadyPrivate > 0)!;
  expect(prompt).toBeDefined();
  const inside = promptTrips(prompt).privateTrips;
  expect(inside).toHaveLength(promptTrips(prompt).alreadyPrivate);
  const driver = t.sim.fleet.drivers.find((d) => d.individuId === prompt.individu_id)!;
  const me = user(`U_${driver.index}`, { email: driver.email }, 'slack', 'T_FLEET');
  // The daily message: the line, folded, with a button to unfold.
  const sent = t.slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D_U_${driver.index}`)!;
  expect(JSON.stringify(sent.args.blocks)).toMatch(/horaires de vie privée (est|sont) déjà compté/);
  const initial = await t.service.core.answers.view(prompt, (await t.service.core.people.identify(me)).t);
  const unfold = buttons(initial).find((a) => a.value === `pg:${prompt.id}:0:h`)!;
  expect(unfold.label).toMatch(/^Voir ce(s \d+)? trajets?$/);
  const unfolded = (await clicked(t, me, unfold.actionId, unfold.value)).update!;
  const mark = buttons(unfolded).filter((a) => a.label === 'Il était professionnel');
  expect(mark).toHaveLength(inside.length);
  expect(JSON.stringify(unfolded)).toContain('Privé — dans vos horaires de vie privée');
  const after = (await clicked(t, me, mark[0]!.actionId, mark[0]!.value)).update!;
  expect(JSON.stringify(after)).toContain('Professionnel — enregistrement…');
  expect(buttons(after).some((a) => a.label === 'Remettre en privé')).toBe(true);
  const [answer] = await t.service.core.store.answers.latest(prompt.id);
  expect(answer).toMatchObject({ trip_id: inside[0]!.id, choice: 'professional' });
  await t.service.core.outbox.drain();
  expect(t.sim.state.tripMarks.get(inside[0]!.id)).toBe(false);
});
