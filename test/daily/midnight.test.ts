import { DateTime } from 'luxon';
import { ManualClock } from '../../src/clock';
import { OceanClient } from '../../src/ocean';
import { OceanDirectory } from '../../src/privacy/directory';
import { promptTrips } from '../../src/privacy/trips/trip';
import { TripsService } from '../../src/privacy/trips/trips';
import { OceanSimulator } from '../../src/sandbox/simulator';
import { startTestService, TEST_NOW } from '../support/service';

/*
 * Trips near midnight. `ficheJour`'s date is documented as a UTC day and its rows' times carry
 * no zone. Whichever way Ocean writes the times (OCEAN_TRIP_TIMES), a trip belongs to the
 * fleet's day it starts in: never lost, never asked twice, never on the wrong day, and shown
 * at its real time, in winter, in summer and on the days the clocks change.
 */

const ZONE = 'Europe/Paris';
const DAYS = [
  ['winter', '2026-11-24'],
  ['summer', '2026-07-14'],
  ['the spring change (23 h)', '2026-03-29'],
  ['the autumn change (25 h)', '2026-10-25'],
] as const;

describe.each(['utc', 'fleet'] as const)('trip times written as %s', (reading) => {
  const clock = new ManualClock(TEST_NOW);
  const sim = new OceanSimulator({ clock, zone: ZONE, tripTimes: reading });
  let client: OceanClient;
  let directory: OceanDirectory;
  let trips: TripsService;
  beforeAll(async () => {
    const baseUrl = await sim.start();
    client = new OceanClient({
      baseUrl,
      login: sim.login,
      password: sim.password,
      clock,
      tripTimes: { reading, fleetZone: ZONE },
      retry: { initialDelayMs: 5 },
    });
    directory = new OceanDirectory(client, clock);
    trips = new TripsService(client, directory, ZONE, clock);
  });
  afterAll(async () => {
    await client.close();
    await sim.stop();
  });

  it.each(DAYS)('in %s (%s), the trips at 00:20 and 23:40 belong to their own day, once, at their real time', async (_season, day) => {
    const simDriver = sim.fleet.byIndex(9);
    const vehicleId = simDriver.vehicleId!;
    const at = (d: string, time: string) => DateTime.fromISO(`${d}T${time}`, { zone: ZONE });
    const next = at(day, '00:00').plus({ days: 1 }).toISODate()!;
    const previous = at(day, '00:00').minus({ days: 1 }).toISODate()!;
    const added = {
      lateBefore: sim.fleet.addTrip(vehicleId, at(previous, '23:40'), 15, ZONE),
      early: sim.fleet.addTrip(vehicleId, at(day, '00:20'), 15, ZONE),
      late: sim.fleet.addTrip(vehicleId, at(day, '23:40'), 35, ZONE),
      earlyAfter: sim.fleet.addTrip(vehicleId, at(next, '00:20'), 15, ZONE),
    };
    clock.set(at(next, '09:00').toJSDate());
    const driver = (await directory.byId(simDriver.individuId))!;
    const today = await trips.driverDay(driver, day);
    const tomorrow = await trips.driverDay(driver, next);
    const ids = (d: typeof today) => [...d.trips, ...d.alreadyPrivate].map((trip) => trip.id);
    // Exactly the sim's trips of the day, by their start in the fleet's zone.
    const expected = sim.fleet
      .trips(vehicleId, day, ZONE)
      .filter((trip) => trip.driverId === simDriver.individuId)
      .map((trip) => trip.id);
    expect(ids(today).sort()).toEqual([...expected].sort());
    expect(ids(today)).toEqual(expect.arrayContaining([added.early.id, added.late.id]));
    expect(ids(today)).not.toContain(added.lateBefore.id);
    expect(ids(today)).not.toContain(added.earlyAfter.id);
    expect(ids(tomorrow)).toContain(added.earlyAfter.id);
    expect(ids(tomorrow).filter((id) => ids(today).includes(id))).toEqual([]);
    expect(new Set(ids(today)).size).toBe(ids(today).length);
    // At their real time (the prompt shows them in the fleet's zone).
    const shown = new Map([...today.trips, ...today.alreadyPrivate].map((trip) => [trip.id, trip]));
    expect(shown.get(added.early.id)?.start).toBe(added.early.start.toUTC().toISO());
    expect(shown.get(added.late.id)?.start).toBe(added.late.start.toUTC().toISO());
    expect(shown.get(added.late.id)?.end).toBe(added.late.end.toUTC().toISO());
    expect(DateTime.fromISO(shown.get(added.late.id)!.start!, { zone: ZONE }).toFormat('HH:mm')).toBe('23:40');
    // ficheJour was asked for each UTC date the day touches, as dd/MM/yyyy.
    const dates = sim
      .requestsTo('mobility/v1/ficheJour')
      .filter((r) => r.query.vehId === String(vehicleId))
      .map((r) => r.query.date);
    expect(dates).toEqual(expect.arrayContaining([at(day, '00:00').toUTC().toFormat('dd/MM/yyyy'), at(day, '23:59').toUTC().toFormat('dd/MM/yyyy')]));
  });
});

it('the daily run asks each trip near midnight once, in the prompt of the day it started', async () => {
  const t = await startTestService({ teams: false, clock: new ManualClock('2026-11-25T08:00:00Z') });
  try {
    const driver = t.sim.fleet.byIndex(9);
    // Only this driver is on Slack: the others are unreachable and cost the runs no Ocean call.
    t.slack.addUser({ id: 'U_9', team: 'T_FLEET', email: driver.email!, name: 'Nine' });
    const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });
    const early = t.sim.fleet.addTrip(driver.vehicleId!, at('2026-11-24T00:20'), 15, ZONE);
    const late = t.sim.fleet.addTrip(driver.vehicleId!, at('2026-11-24T23:40'), 15, ZONE);
    const after = t.sim.fleet.addTrip(driver.vehicleId!, at('2026-11-25T00:20'), 15, ZONE);
    t.clock.set('2026-11-26T08:00:00Z');
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) await t.service.core.dailyRun.run(day);
    const asked = new Map<string, number[]>();
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) {
      const prompt = await t.service.core.store.prompts.of(driver.individuId, day);
      asked.set(day, prompt ? promptTrips(prompt).asked.map((trip) => trip.id) : []);
    }
    expect(asked.get('2026-11-24')).toEqual(expect.arrayContaining([early.id, late.id]));
    expect(asked.get('2026-11-25')).toContain(after.id);
    const all = [...asked.values()].flat();
    expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([]);
    expect(asked.get('2026-11-23')).not.toContain(early.id);
    expect(asked.get('2026-11-25')).not.toContain(late.id);
  } finally {
    await t.stop();
  }
}, 60_000);
