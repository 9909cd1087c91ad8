import { promptTrips } from '../../src/privacy/trips/trip';
import type { View } from '../../src/views/views';
import { clicked, typed, user } from '../support/chat';
import { addFleetToSlack, eventually, startTestService, type TestService } from '../support/service';
import { plain, plainJson } from '../support/text';

/*
 * `/privacy` with several open days (issue 27, items 1 and 8): one message, the day that closes
 * soonest first, "and N more days" with a button to see them; its buttons answer the same
 * prompts as the daily messages, which are redrawn.
 */

const DRIVER = 9;
/** Wednesday 18 to Tuesday 24 November: on 25 November, with 7 days to answer, the 18th closes tonight. */
const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24'];

let t: TestService;
const slackUser = () => user(`U_${DRIVER}`, { email: t.sim.fleet.byIndex(DRIVER).email }, 'slack', 'T_FLEET');
const actions = (view: View) => view.blocks.flatMap((b) => (b.type === 'actions' || b.type === 'item' ? b.actions : []));
const headings = (view: View) => view.blocks.filter((b) => b.type === 'heading').map((b) => plain((b as { text: string }).text));

beforeAll(async () => {
  t = await startTestService({ teams: false });
  addFleetToSlack(t);
  for (const day of DAYS) await t.service.core.dailyRun.run(day);
}, 60_000);
afterAll(() => t.stop());

describe('the /privacy overview', () => {
  it('is one message showing the day that closes soonest first, and says how many more days wait, with a button to see them', async () => {
    const views = await typed(t, slackUser(), 'privacy');
    expect(views).toHaveLength(1);
    const [overview] = views as [View];
    const days = headings(overview).slice(1);
    expect(days[0]).toMatch(/^mercredi 18 novembre — \d+ trajets? sans réponse$/);
    expect(days.map((d) => d.split(' — ')[0])).toEqual(['mercredi 18 novembre', 'jeudi 19 novembre', 'vendredi 20 novembre']);
    const text = plainJson(overview);
    expect(text).toContain('Dernier jour pour répondre');
    expect(text).toContain('Et 2 autres jours en attente.');
    const more = actions(overview).find((a) => a.actionId === 'overview_days');
    expect(plain(more!.label)).toBe('Voir les 2 jours suivants');
    const next = await clicked(t, slackUser(), more!.actionId, more!.value);
    expect(
      headings(next.update!)
        .slice(1)
        .map((d) => d.split(' — ')[0]),
    ).toEqual(['lundi 23 novembre', 'mardi 24 novembre']);
    expect(actions(next.update!).some((a) => a.label === 'Revenir aux plus urgents')).toBe(true);
  });

  it('answers the same prompt as the daily message: the overview is drawn again and the daily message follows', async () => {
    const [overview] = (await typed(t, slackUser(), 'privacy')) as [View];
    const answer = actions(overview).find((a) => a.actionId === 'trip_answer' && a.value.endsWith(':private:o0'))!;
    const promptId = Number(answer.value.split(':')[1]);
    const prompt = (await t.service.core.store.prompts.byId(promptId))!;
    const updatesBefore = t.slack.callsTo('chat.update').length;
    const outcome = await clicked(t, slackUser(), answer.actionId, answer.value);
    expect(outcome.update?.title).toBe('Vie privée');
    const answers = await t.service.core.store.answers.latest(promptId);
    expect(answers.map((a) => a.trip_id)).toEqual([promptTrips(prompt).asked[Number(answer.value.split(':')[2])]!.id]);
    const update = await eventually(() =>
      t.slack
        .callsTo('chat.update')
        .slice(updatesBefore)
        .find((c) => c.args.channel === `D_U_${DRIVER}`),
    );
    expect(plainJson(update.args.blocks)).toContain('Privé — enregistrement…');
  });
});
