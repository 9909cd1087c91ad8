import { DateTime } from 'luxon';
import { OceanSimulator } from '../../src/sandbox/simulator';
import type { Store } from '../../src/store';
import { FakeConnector, teamsActivity } from '../support/fake-connector';
import { FakeSlack } from '../support/fake-slack';
import { eventually } from '../support/service';
import { type RunningService, startService } from '../support/service-child';
import { blockActionsBody, SIGNING_SECRET, sign } from '../support/slack-requests';

/*
 * Shared by answer-survives-kill-pglite.test.ts and answer-survives-kill-postgres.test.ts (one
 * file per store, so that the two run side by side on jest's two workers).
 *
 * The first promise: an acknowledged answer is never lost. The real service runs as a child
 * process; a driver clicks in Slack or Teams, and the process is killed with SIGKILL the moment
 * the HTTP 200 arrives (a deploy, an OOM kill). After a restart on the same store, Ocean gets
 * the answer. Slack never sends an acknowledged click again: only the store can keep it.
 */

const ZONE = 'Europe/Paris';
const DRIVER_INDEX = 9;
const TEAMS_USER = { id: '29:nine', name: 'Nine' };
const FORM = 'application/x-www-form-urlencoded';
const ETAPE = 'vieprivee/v1/etapeViePriveePosteriori';

export interface StoreUnderTest {
  name: string;
  env: Record<string, string>;
  open(): Promise<Store>;
}

/** The SIGKILL test on the store `openTarget` gives. */
export function describeAnswerSurvivesKill(name: string, openTarget: () => Promise<StoreUnderTest>): void {
  describe(`an answer acknowledged, then SIGKILL, on ${name}`, () => {
    let sim: OceanSimulator;
    let slack: FakeSlack;
    let connector: FakeConnector;
    let target: StoreUnderTest;
    let service: RunningService | undefined;
    let promptId: number;
    let tripIds: number[];

    beforeAll(async () => {
      sim = new OceanSimulator({ zone: ZONE });
      await sim.start();
      slack = new FakeSlack();
      await slack.start();
      connector = new FakeConnector();
      await connector.start();
      target = await openTarget();
      const driver = sim.fleet.byIndex(DRIVER_INDEX);
      slack.addUser({ id: 'U_9', team: 'T_FLEET', email: driver.email!, name: 'Nine' });
      connector.members.set(TEAMS_USER.id, { id: TEAMS_USER.id, name: TEAMS_USER.name, email: driver.email! });
      // Yesterday's real trips of the driver, as the daily run would have stored and sent them.
      let day = DateTime.now().setZone(ZONE).minus({ days: 1 });
      while (sim.fleet.trips(driver.vehicleId!, day.toISODate()!, ZONE).length < 3) day = day.minus({ days: 1 });
      const vehicle = sim.fleet.vehicle(driver.vehicleId!)!;
      const trips = sim.fleet.trips(vehicle.id, day.toISODate()!, ZONE).slice(0, 3);
      tripIds = trips.map((trip) => trip.id);
      const store = await target.open();
      try {
        const slackPerson = await store.people.see({ platform: 'slack', workspaceId: 'T_FLEET', chatUserId: 'U_9', email: driver.email });
        const teamsPerson = await store.people.see({ platform: 'teams', workspaceId: 'TENANT_FLEET', chatUserId: `aad-${TEAMS_USER.id}`, email: driver.email });
        for (const person of [slackPerson, teamsPerson]) await store.people.link(person.id, driver.individuId, 'email');
        const asked = trips.map((trip) => ({
          id: trip.id,
          vehicleId: vehicle.id,
          numeroEmbarque: vehicle.numeroEmbarque,
          start: trip.start.toISO(),
          end: trip.end.toISO(),
          fromTown: trip.from.town,
          toTown: trip.to.town,
          distanceMeter: trip.distanceMeter,
          durationSec: 600,
        }));
        const prompt = await store.prompts.claim({
          individuId: driver.individuId,
          day: day.toISODate()!,
          personId: slackPerson.id,
          trips: { asked, alreadyPrivate: 0 },
          worker: 'test',
          leaseMs: 1,
        });
        await store.prompts.markSent(prompt!.id, { platform: 'slack', channel: 'D_U_9', ts: '1700000000.000100' });
        promptId = prompt!.id;
      } finally {
        await store.close();
      }
    }, 60_000);

    afterAll(async () => {
      await service?.stop('SIGKILL');
      await connector.stop();
      await slack.stop();
      await sim.stop();
    });

    const start = async () => {
      service = await startService({
        ...target.env,
        OCEAN_BASE_URL: sim.baseUrl,
        OCEAN_LOGIN: sim.login,
        OCEAN_PASSWORD: sim.password,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        TEAMS_EMULATOR: 'true',
        TEAMS_TENANTS: 'TENANT_FLEET',
        TIMEZONE: ZONE,
        // 'info': the service says where it listens.
        LOG_LEVEL: 'info',
      });
      return service.url;
    };

    /** Sends a click, and kills the service with SIGKILL as soon as its 200 has arrived. */
    const clickThenKill = async (send: (url: string) => Promise<Response>) => {
      const url = await start();
      const res = await send(url);
      await service!.stop('SIGKILL');
      service = undefined;
      expect(res.status).toBe(200);
    };

    const slackClick = (trip: number | 'all' | 'every', choice: string) => (url: string) => {
      const body = blockActionsBody({
        user: 'U_9',
        actionId: 'trip_answer:0',
        value: `ans:${promptId}:${trip}:${choice}`,
        responseUrl: slack.responseUrl(),
        channel: 'D_U_9',
        ts: '1700000000.000100',
      });
      return fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': FORM, ...sign(body) }, body });
    };
    const teamsClick = (trip: number, choice: string) => (url: string) => {
      const data = { actionId: 'trip_answer', value: `ans:${promptId}:${trip}:${choice}` };
      const activity = teamsActivity(connector.url, TEAMS_USER, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'trip_answer', data } },
      });
      return fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    };

    it('three clicks, each killed at its acknowledgement, all reach Ocean after the restarts, with the last choice of each trip', async () => {
      // Slack is slow to take the message update: the process dies before any of the work after the ack.
      slack.latencyMs = 1_500;
      await clickThenKill(slackClick(0, 'private'));
      await clickThenKill(teamsClick(1, 'professional'));
      // The whole day, answered trips too ("change them too"): the last choice of every trip.
      await clickThenKill(slackClick('every', 'professional'));
      slack.latencyMs = 0;
      // Every click is in the store, whatever the process managed after its acknowledgement.
      const store = await target.open();
      try {
        const answers = await store.answers.latest(promptId);
        expect(answers.map((a) => [a.trip_id, a.choice]).sort()).toEqual(tripIds.map((id) => [id, 'professional']).sort());
      } finally {
        await store.close();
      }
      await start();
      await eventually(() => tripIds.every((id) => sim.state.tripMarks.get(id) === false), 90_000);
      // Trip 0 was private before the whole day went professional: Ocean ends with professional.
      const sent = sim.requestsTo(ETAPE).filter((r) => r.status === 200);
      expect(new Set(sent.map((r) => r.query.idEtape))).toEqual(new Set(tripIds.map(String)));
    }, 180_000);
  });
}
