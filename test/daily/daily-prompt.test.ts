import { DateTime } from 'luxon';
import { ManualClock } from '../../src/clock';
import { localDayBounds, yesterday } from '../../src/ocean/dates';
import { promptTrips } from '../../src/privacy/trips/trip';
import { NO_EMAIL_INDEXES, NO_VEHICLE_INDEXES, RECURRING_PRIVATE_INDEXES, SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { addFleetToSlack, eventually, promptsPerChannel, startTestService, TEST_DAY, TEST_NOW } from '../support/service';
import { blockActionsBody, post, sign } from '../support/slack-requests';
import { openTestStore } from '../support/test-store';
import { settled } from '../support/wait';

const FORM = 'application/x-www-form-urlencoded';

describe('the daily prompt', () => {
  it('fires from the cron every 2 seconds and still sends exactly one prompt per eligible driver', async () => {
    const clock = new ManualClock(new Date());
    const t = await startTestService({
      teams: false,
      clock,
      realClock: { now: () => new Date() },
      jobs: true,
      config: { dailyPromptCron: '*/2 * * * * *', reminderCron: null },
    });
    try {
      addFleetToSlack(t);
      const completed = async () =>
        (await t.service.core.store.db.selectFrom('cron_claims').selectAll().execute()).filter((r) => r.key.startsWith('daily-prompt:') && r.completed_at);
      // The first run completes; then the cron fires at least twice more.
      await eventually(async () => (await completed()).length >= 1, 30_000);
      const firstDone = (await completed()).length;
      await eventually(async () => (await completed()).length >= firstDone + 2, 30_000);
      const counts = promptsPerChannel(t);
      const day = yesterday(new Date(), 'Europe/Paris');
      const weekend = DateTime.fromISO(day).weekday >= 6;
      const eligible = t.sim.fleet.drivers.filter((d) => d.email && d.vehicleId);
      if (!weekend) expect(counts.size).toBeGreaterThanOrEqual(eligible.length - RECURRING_PRIVATE_INDEXES.length);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      for (const index of [...NO_EMAIL_INDEXES, ...NO_VEHICLE_INDEXES]) expect(counts.has(`D_U_${index}`)).toBe(false);
    } finally {
      await t.stop();
    }
  }, 90_000);

  describe('for one day', () => {
    let t: Awaited<ReturnType<typeof startTestService>>;
    beforeAll(async () => {
      t = await startTestService({ teams: false });
      addFleetToSlack(t);
    });
    afterAll(() => t.stop());

    it('asks each driver about their own trips only, leaves out trips inside private hours, and is idempotent', async () => {
      const first = await t.service.core.dailyRun.run(TEST_DAY);
      const second = await t.service.core.dailyRun.run(TEST_DAY);
      expect(first.outcomes.failed).toBe(0);
      expect(second.outcomes.sent).toBe(0);
      expect(second.outcomes.alreadyDone).toBe(first.outcomes.sent);
      expect([...promptsPerChannel(t).values()].every((n) => n === 1)).toBe(true);
      const prompts = await t.service.core.store.prompts.forDay(TEST_DAY);
      // No e-mail or no vehicle: no prompt.
      for (const index of [...NO_EMAIL_INDEXES, ...NO_VEHICLE_INDEXES])
        expect(prompts.find((p) => p.individu_id === t.sim.fleet.byIndex(index).individuId)).toBeUndefined();
      // A shared vehicle: each driver gets only the trips they drove.
      const [a, b] = SHARED_VEHICLE_INDEXES.map((i) => t.sim.fleet.byIndex(i));
      const simTrips = t.sim.fleet.trips(a!.vehicleId!, TEST_DAY, 'Europe/Paris');
      for (const driver of [a!, b!]) {
        const prompt = prompts.find((p) => p.individu_id === driver.individuId);
        const expected = simTrips.filter((trip) => trip.driverId === driver.individuId).map((trip) => trip.id);
        if (!expected.length) continue;
        expect(
          promptTrips(prompt!)
            .asked.map((trip) => trip.id)
            .sort(),
        ).toEqual(expected.sort());
      }
      // Recurring private hours (weekday nights and evenings): those trips are not asked.
      for (const index of RECURRING_PRIVATE_INDEXES) {
        const driver = t.sim.fleet.byIndex(index);
        const trips = t.sim.fleet.trips(driver.vehicleId!, TEST_DAY, 'Europe/Paris');
        const inside = trips.filter(
          (trip) => t.sim.state.inPrivateHours(driver.individuId, trip.start) && t.sim.state.inPrivateHours(driver.individuId, trip.end.minus({ minutes: 1 })),
        );
        const prompt = prompts.find((p) => p.individu_id === driver.individuId);
        const asked = prompt ? promptTrips(prompt).asked.map((trip) => trip.id) : [];
        for (const trip of inside) expect(asked).not.toContain(trip.id);
        if (prompt) expect(promptTrips(prompt).alreadyPrivate).toBe(inside.length);
      }
      // Towns, never street addresses, are kept and shown.
      expect(JSON.stringify(prompts.map((p) => p.trips))).not.toMatch(/rue |avenue |boulevard /);
    });

    it('one reminder for a prompt left unanswered, never two', async () => {
      const before = t.slack.callsTo('chat.postMessage').length;
      const first = await t.service.core.dailyRun.remind(TEST_DAY);
      const again = await t.service.core.dailyRun.remind(TEST_DAY);
      expect(first).toBeGreaterThan(0);
      expect(again).toBe(0);
      const reminders = t.slack.callsTo('chat.postMessage').slice(before);
      expect(reminders).toHaveLength(first);
      expect(JSON.stringify(reminders[0]?.args.blocks)).toMatch(/Rappel|Reminder/);
    });
  });

  it('a driver on both Slack and Teams gets one prompt, where they were seen last; an answer from either counts', async () => {
    const t = await startTestService({});
    try {
      const driver = t.sim.fleet.byIndex(9);
      const store = t.service.core.store;
      const slackPerson = await store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_9', email: driver.email });
      t.clock.advance(60_000);
      const teamsPerson = await store.people.see({ platform: 'teams', workspaceId: 'TENANT', chatUserId: '29:nine', email: driver.email });
      await store.people.link(slackPerson.id, driver.individuId, 'email');
      await store.people.link(teamsPerson.id, driver.individuId, 'email');
      await store.conversations.save(teamsPerson.id, {
        serviceUrl: t.connector.url,
        conversation: { id: 'a:nine' },
        user: { id: '29:nine' },
        bot: { id: '28:bot' },
        channelId: 'msteams',
      });
      const report = await t.service.core.dailyRun.run(TEST_DAY);
      const mine = report.sent.filter((s) => s.individuId === driver.individuId);
      expect(mine).toEqual([expect.objectContaining({ platform: 'teams' })]);
      expect(t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D_U_9')).toEqual([]);
      expect(t.connector.sent().filter((c) => c.conversationId === 'a:nine')).toHaveLength(1);
      // The driver answers from Slack (with /privacy's buttons): it counts for the same prompt.
      const prompt = await store.prompts.of(driver.individuId, TEST_DAY);
      t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: driver.email!, name: 'Nine' });
      const body = blockActionsBody({ user: 'U_9', actionId: 'trip_answer:0', value: `ans:${prompt!.id}:0:private`, responseUrl: t.slack.responseUrl() });
      await post(t.url, body, FORM, sign(body));
      await eventually(async () => (await store.answers.latest(prompt!.id)).some((a) => a.status === 'delivered'));
    } finally {
      await t.stop();
    }
  });

  it('answers given during an Ocean outage are all delivered after it ends, also across a restart, and the analysis follows', async () => {
    const clock = new ManualClock(TEST_NOW);
    const sim = new OceanSimulator({ clock });
    await sim.start();
    const store = await openTestStore({ clock });
    const first = await startTestService({ teams: false, simulator: sim, clock, store });
    const driver = sim.fleet.byIndex(9);
    let promptId = 0;
    try {
      first.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: driver.email!, name: 'Nine' });
      await first.service.core.dailyRun.run(TEST_DAY);
      const prompt = await store.prompts.of(driver.individuId, TEST_DAY);
      promptId = prompt!.id;
      sim.setFaults({ failNext: { status: 503, count: 10_000 }, only: 'vieprivee/v1/etapeViePriveePosteriori' });
      const body = blockActionsBody({ user: 'U_9', actionId: 'trip_answer:0', value: `ans:${promptId}:all:private`, responseUrl: first.slack.responseUrl() });
      expect((await post(first.url, body, FORM, sign(body))).status).toBe(200);
      await eventually(async () => (await store.answers.latest(promptId)).length === promptTrips(prompt!).asked.length);
      await eventually(async () => (await store.answers.latest(promptId)).every((a) => a.attempts >= 1));
      expect((await store.answers.latest(promptId)).every((a) => a.status === 'pending')).toBe(true);
    } finally {
      await first.stop();
    }
    // Restart with Ocean back: the new instance delivers everything.
    sim.faults.reset();
    clock.advance(3600_000);
    const second = await startTestService({ teams: false, simulator: sim, clock, store });
    try {
      await second.service.core.outbox.drain();
      const answers = await store.answers.latest(promptId);
      expect(answers.every((a) => a.status === 'delivered')).toBe(true);
      for (const a of answers) expect(sim.state.tripMarks.get(a.trip_id)).toBe(true);
      const { start, end } = localDayBounds(TEST_DAY, 'Europe/Paris');
      const [result] = await second.service.core.ocean.privacyAnalysis({
        filter: { persons: [driver.individuId] },
        renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
        criteria: 'ALL',
        periode: { debut: start.toISOString(), fin: end.toISOString() },
      });
      const total = result?.synthesisTreeByDriver?.entityTotalCumul?.total?.distanceInMeterByPeriodMap;
      const asked = promptTrips((await store.prompts.byId(promptId))!).asked;
      expect(total?.VIE_PRIVEE).toBeGreaterThanOrEqual(asked.reduce((sum, trip) => sum + trip.distanceMeter, 0));
    } finally {
      await second.stop();
      await store.close();
      await sim.stop();
    }
  });

  it('a permanent refusal from Ocean is shown to the driver plainly and not retried', async () => {
    const t = await startTestService({ teams: false });
    try {
      const driver = t.sim.fleet.byIndex(9);
      t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: driver.email!, name: 'Nine' });
      await t.service.core.dailyRun.run(TEST_DAY);
      const prompt = await t.service.core.store.prompts.of(driver.individuId, TEST_DAY);
      t.sim.setFaults({ failNext: { status: 400, count: 1 }, only: 'vieprivee/v1/etapeViePriveePosteriori' });
      const body = blockActionsBody({ user: 'U_9', actionId: 'trip_answer:0', value: `ans:${prompt!.id}:0:private`, responseUrl: t.slack.responseUrl() });
      await post(t.url, body, FORM, sign(body));
      await eventually(async () => (await t.service.core.store.answers.latest(prompt!.id)).some((a) => a.status === 'refused'));
      const update = await eventually(() => t.slack.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('refusé par Ocean')));
      expect(update).toBeDefined();
      await settled(t.service);
      expect(t.sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori')).toHaveLength(1);
      expect((await t.service.core.store.answers.stats()).refused).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
