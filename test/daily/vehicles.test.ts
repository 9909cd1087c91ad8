import { ManualClock } from '../../src/clock';
import { OceanDirectory, privateModeOff } from '../../src/privacy/directory';
import { TripsService } from '../../src/privacy/trips/trips';
import { SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import type { SimulatorOptions } from '../../src/sandbox/simulator';
import { startOcean } from '../support/ocean';
import { startTestService, TEST_DAY, TEST_NOW } from '../support/service';

const ZONE = 'Europe/Paris';

it('a driver whose vehicle has private mode off in Ocean is not prompted, and the directory says why', async () => {
  const t = await startTestService({ teams: false });
  try {
    for (const index of [9, 11]) {
      const d = t.sim.fleet.byIndex(index);
      t.slack.addUser({ id: `U_${index}`, team: 'T_FLEET', email: d.email!, name: d.firstName });
    }
    const driver = t.sim.fleet.byIndex(11);
    t.sim.fleet.vehicle(driver.vehicleId!)!.privacyEnabled = false;
    const report = await t.service.core.dailyRun.run(TEST_DAY);
    expect(report.outcomes.privateModeOff).toBe(1);
    expect(await t.service.core.store.prompts.of(driver.individuId, TEST_DAY)).toBeUndefined();
    expect(t.sim.requestsTo('mobility/v1/ficheJour').filter((r) => r.query.vehId === String(driver.vehicleId))).toEqual([]);
    const known = await t.service.core.directory.byId(driver.individuId);
    expect(known?.vehicles.map((v) => v.privateMode)).toEqual([false]);
    expect(privateModeOff(known!)).toBe(true);
    // The other driver is prompted as before.
    expect(report.outcomes.sent).toBe(1);
    expect(privateModeOff((await t.service.core.directory.byId(t.sim.fleet.byIndex(9).individuId))!)).toBe(false);
  } finally {
    await t.stop();
  }
}, 60_000);

describe('a shared vehicle', () => {
  async function tripsOfSharedDrivers(simOptions: SimulatorOptions) {
    const clock = new ManualClock(TEST_NOW);
    const ocean = await startOcean({ clock, ...simOptions }, { clock });
    try {
      const directory = new OceanDirectory(ocean.client, clock);
      const service = new TripsService(ocean.client, directory, ZONE, clock);
      const result = [];
      for (const index of SHARED_VEHICLE_INDEXES) {
        const simDriver = ocean.sim.fleet.byIndex(index);
        const day = await service.driverDay((await directory.byId(simDriver.individuId))!, TEST_DAY);
        const expected = ocean.sim.fleet
          .trips(simDriver.vehicleId!, TEST_DAY, ZONE)
          .filter((trip) => trip.driverId === simDriver.individuId)
          .map((trip) => trip.id);
        result.push({ got: [...day.trips, ...day.alreadyPrivate].map((trip) => trip.id).sort(), expected: expected.sort() });
      }
      return { result, history: ocean.sim.requestsTo('affectations_chauffeurs/historique') };
    } finally {
      await ocean.stop();
    }
  }

  it("gives each driver the trips Ocean's dated assignments give them, even when the rows name nobody", async () => {
    const { result, history } = await tripsOfSharedDrivers({ rowDrivers: false });
    for (const { got, expected } of result) expect(got).toEqual(expected);
    // Both drivers drove it that day (the morning one, then the afternoon one).
    expect(result.map((r) => r.expected.length > 0)).toEqual([true, true]);
    // Read once for both drivers, by vehicle.
    expect(history).toHaveLength(1);
    expect(history[0]?.query).toEqual({ idVehicule: expect.stringMatching(/^\d+$/) });
  });

  it("falls back to the rows' driver names when Ocean has no assignments to give", async () => {
    const { result, history } = await tripsOfSharedDrivers({ assignments: false });
    for (const { got, expected } of result) expect(got).toEqual(expected);
    expect(history.map((r) => r.status)).toEqual([404]);
  });
});
