import { ManualClock } from '../../src/clock';
import { startOcean } from '../support/ocean';
import { startTestService, TEST_DAY } from '../support/service';

/*
 * `ficheJour` and both schedule GETs document a 404, and a 200 may come with no body: both
 * mean "nothing" (no rows, no hours), not a failed call.
 */

describe.each(['notFound', 'emptyBody'] as const)('Ocean answering "no data" with %s', (noData) => {
  it('a day without rows and a driver without private hours read as empty', async () => {
    const ocean = await startOcean({ clock: new ManualClock('2026-11-25T09:00:00Z'), noData });
    try {
      const driver = ocean.sim.fleet.byIndex(9);
      // Tomorrow has no finished trip yet.
      expect(await ocean.client.dailyRecord(driver.vehicleId!, '2026-11-26')).toEqual([]);
      expect(await ocean.client.recurringSchedules(driver.individuId)).toEqual([]);
      expect(await ocean.client.exceptionalPeriods(driver.individuId)).toEqual([]);
      const statuses = ocean.sim.requests.filter((r) => r.endpoint !== 'auth/authenticate2').map((r) => r.status);
      expect(statuses).toEqual(noData === 'notFound' ? [404, 404, 404] : [200, 200, 200]);
    } finally {
      await ocean.stop();
    }
  });
});

it('the daily run prompts drivers without private hours when Ocean answers 404 or nothing for them', async () => {
  const t = await startTestService({ teams: false, simulatorOptions: { noData: 'notFound' } });
  try {
    // Drivers with trips and without private hours (the others are unreachable: no Ocean call).
    for (const index of [9, 11, 13]) {
      const d = t.sim.fleet.byIndex(index);
      t.slack.addUser({ id: `U_${index}`, team: 'T_FLEET', email: d.email!, name: d.firstName });
    }
    const first = await t.service.core.dailyRun.run(TEST_DAY);
    expect(first.outcomes.failed).toBe(0);
    expect(first.outcomes.sent).toBe(3);
    expect(t.sim.requestsTo('vieprivee/v1/horairesViePriveeRecurrentesIndividu').some((r) => r.status === 404)).toBe(true);
    t.sim.ctx.noData = 'emptyBody';
    const second = await t.service.core.dailyRun.run('2026-11-23');
    expect(second.outcomes.failed).toBe(0);
    expect(second.outcomes.sent).toBe(3);
  } finally {
    await t.stop();
  }
}, 60_000);
