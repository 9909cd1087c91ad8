import { ManualClock } from '../../src/clock';
import { OceanError } from '../../src/ocean';
import { startOcean } from '../support/ocean';

/*
 * The retroactive request against the simulator's reading of the docs: only Ocean's documented
 * `true` is a success, `false` (in any documented form) is a refusal, anything else is a bad
 * response; a POST that got an HTTP 200 is never sent again; codeExploitant is sent when set.
 */

const STEP = 'vieprivee/v1/etapeViePriveePosteriori';

async function withTrip<T>(
  fn: (o: Awaited<ReturnType<typeof startOcean>>, trip: { idEtape: number; numeroEmbarque: number; privacy: boolean }) => Promise<T>,
  simOptions = {},
  clientOptions = {},
) {
  const ocean = await startOcean({ clock: new ManualClock('2026-11-25T09:00:00Z'), ...simOptions }, clientOptions);
  try {
    const vehicle = ocean.sim.fleet.vehicle(ocean.sim.fleet.byIndex(9).vehicleId as number)!;
    const [trip] = ocean.sim.fleet.trips(vehicle.id, '2026-11-24', 'Europe/Paris');
    await ocean.client.authenticate();
    return await fn(ocean, { idEtape: trip!.id, numeroEmbarque: vehicle.numeroEmbarque, privacy: true });
  } finally {
    await ocean.stop();
  }
}

async function failure(promise: Promise<unknown>): Promise<OceanError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OceanError);
    return error as OceanError;
  }
  throw new Error('expected the call to fail');
}

describe('the retroactive request', () => {
  it.each(['plain', 'object', 'array'] as const)("Ocean's documented true (%s form) is a success", (booleanForm) =>
    withTrip(
      async ({ client, sim }, trip) => {
        await client.markTrip(trip);
        expect(sim.state.tripMarks.get(trip.idEtape)).toBe(true);
      },
      { booleanForm },
    ),
  );

  it.each(['plain', 'object', 'array'] as const)("Ocean's documented false (%s form) is a refusal, not a success", (booleanForm) =>
    withTrip(
      async ({ client, sim }, trip) => {
        sim.state.refusedSteps.add(trip.idEtape);
        const error = await failure(client.markTrip(trip));
        expect(error.kind).toBe('invalidInput');
        expect(sim.requestsTo(STEP)).toHaveLength(1);
      },
      { booleanForm },
    ),
  );

  it.each([
    ['{}', {}],
    ['"OK"', 'OK'],
    ['0', 0],
    ['[]', []],
    ['an echo of the query', { idEtape: 1, privacy: true }],
  ])('a 200 with %s is a bad response, never a success, and is not sent again', (_name, body) =>
    withTrip(async ({ client, sim }, trip) => {
      sim.setFaults({ bodyNext: { count: 5, body }, only: STEP });
      const error = await failure(client.markTrip(trip));
      expect(error.kind).toBe('badResponse');
      expect(error.status).toBe(200);
      expect(sim.requestsTo(STEP)).toHaveLength(1);
    }),
  );

  it('a 200 with an empty body is a bad response too, not sent again', () =>
    withTrip(async ({ client, sim }, trip) => {
      sim.setFaults({ bodyNext: { count: 5, raw: '' }, only: STEP });
      expect((await failure(client.markTrip(trip))).kind).toBe('badResponse');
      expect(sim.requestsTo(STEP)).toHaveLength(1);
    }));

  it('a timeout is retried (setting a state twice is harmless), an HTTP 200 never', () =>
    withTrip(
      async ({ client, sim }, trip) => {
        sim.setFaults({ hangNext: 1, only: STEP });
        await client.markTrip(trip);
        expect(sim.requestsTo(STEP).map((r) => r.status)).toEqual(['hung', 200]);
      },
      {},
      { timeoutMs: 300 },
    ));

  it("sends the customer's codeExploitant (OCEAN_CODE_EXPLOITANT) on every retroactive request", () =>
    withTrip(
      async ({ client, sim }, trip) => {
        await client.markTrip(trip);
        await client.markTrip({ ...trip, privacy: false });
        expect(sim.requestsTo(STEP).map((r) => r.query.codeExploitant)).toEqual(['1110000001', '1110000001']);
        expect(client.operatorNotes()).toEqual([]);
      },
      { codeExploitant: '1110000001' },
      { codeExploitant: '1110000001' },
    ));

  it("without it, Ocean's 400 says so to the operator: a hint that OCEAN_CODE_EXPLOITANT may be missing", () =>
    withTrip(
      async ({ client, sim }, trip) => {
        const error = await failure(client.markTrip(trip));
        expect([error.kind, error.status]).toEqual(['invalidInput', 400]);
        expect(sim.requestsTo(STEP)[0]?.query.codeExploitant).toBeUndefined();
        expect(client.operatorNotes()).toEqual([expect.stringContaining('OCEAN_CODE_EXPLOITANT')]);
        // A request taken without the code shows Ocean does not need one: the hint goes.
        sim.ctx.codeExploitant = undefined;
        await client.markTrip(trip);
        expect(client.operatorNotes()).toEqual([]);
      },
      { codeExploitant: '1110000001' },
    ));
});
