import { DateTime } from 'luxon';
import { ManualClock } from '../../src/clock';
import { localDayBounds, OceanClient, OceanError } from '../../src/ocean';
import { EVERY_DAY_INDEXES, EXCEPTIONAL_PRIVATE_INDEX, RECURRING_PRIVATE_INDEXES, SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import { startOcean } from '../support/ocean';

const NOW = '2026-11-25T09:00:00Z'; // a Wednesday
const clock = () => new ManualClock(NOW);

async function withOcean<T>(fn: (o: Awaited<ReturnType<typeof startOcean>>) => Promise<T>, simOptions = {}, clientOptions = {}): Promise<T> {
  const ocean = await startOcean({ clock: clock(), ...simOptions }, clientOptions);
  try {
    return await fn(ocean);
  } finally {
    await ocean.stop();
  }
}

function rejection(promise: Promise<unknown>): Promise<OceanError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(OceanError);
      return error as OceanError;
    },
  );
}

describe('the Ocean client against the simulator', () => {
  it('logs in once, sends the token in X-AUTH-TOKEN and lists people with their vehicle', () =>
    withOcean(async ({ client, sim }) => {
      const [people, again] = await Promise.all([client.listIndividus(), client.listIndividus('WITH_VEHICLE')]);
      expect(client.loginCount).toBe(1);
      expect(sim.requestsTo('auth/authenticate2')).toHaveLength(1);
      expect(people).toHaveLength(30);
      expect(again.every((p) => p.vehicleFieldsDTO)).toBe(true);
      expect(sim.requestsTo('individus/list').map((r) => r.query)).toEqual(expect.arrayContaining([{ criteria: 'WITH_VEHICLE' }]));
      expect(sim.requestsTo('individus/list').every((r) => r.authenticated)).toBe(true);
    }));

  it('sends customerId on every call when configured, and a wrong one gets forbidden', async () => {
    await withOcean(
      async ({ client, sim }) => {
        await client.listVehicles();
        expect(sim.requestsTo('vehicule_engin/vehicles')[0]?.query).toEqual({ customerId: '21' });
        expect(sim.requestsTo('auth/authenticate2')[0]?.query).toEqual({});
      },
      { customerId: 21 },
      { customerId: 21 },
    );
    await withOcean(
      async ({ client }) => {
        const error = await rejection(client.listVehicles());
        expect(error.kind).toBe('forbidden');
        expect(error.status).toBe(403);
        expect(error.oceanMessage).toBe('Accès refusé à ce client');
      },
      { customerId: 21 },
      { customerId: 99 },
    );
  });

  it("reads a vehicle's daily record with the day as dd/MM/yyyy; trips carry times, towns and distances", () =>
    withOcean(async ({ client, sim }) => {
      const driver = sim.fleet.byIndex(SHARED_VEHICLE_INDEXES[0]);
      const rows = await client.dailyRecord(driver.vehicleId as number, '2026-11-24');
      expect(sim.requestsTo('mobility/v1/ficheJour')[0]?.query).toEqual({ vehId: String(driver.vehicleId), date: '24/11/2026' });
      const trips = rows.filter((r) => r.type === 'T');
      expect(trips.length).toBeGreaterThanOrEqual(2);
      expect(trips[0]?.posDeb?.fullAddress?.town).toEqual(expect.any(String));
      expect(trips[0]?.distanceMeter).toBeGreaterThan(0);
      // A 404 is documented for ficheJour: a day without rows.
      expect(await client.dailyRecord(999_999, '2026-11-24')).toEqual([]);
    }));

  it('reads, replaces and deletes recurring private hours with the documented parameters and body', () =>
    withOcean(async ({ client, sim }) => {
      const driver = sim.fleet.byIndex(RECURRING_PRIVATE_INDEXES[0] as number);
      const before = await client.recurringSchedules(driver.individuId);
      expect(before).toHaveLength(12);
      const from = new Date('2026-11-26T00:00:00Z');
      const body = {
        innerMap: {
          map: { LUNDI: { VIE_PRIVEE: [{ idJourSemaine: 'LUNDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 12, finHeure: 13, debutMinute: 0, finMinute: 30 }] } },
        },
      };
      await client.saveRecurringSchedules(driver.individuId, body, { from });
      const post = sim.requestsTo('vieprivee/v1/horairesViePriveeRecurrentesIndividu', 'POST')[0];
      expect(post?.query).toEqual({ individuId: String(driver.individuId), dateDebut: '26/11/2026 00:00:00 Z' });
      expect(post?.body).toEqual(body);
      const after = await client.recurringSchedules(driver.individuId);
      const monday = after.filter((a) => a.horaire.idJourSemaine === 'LUNDI' && a.debut?.getTime() === from.getTime());
      expect(monday).toHaveLength(1);
      await client.deleteRecurringSchedule(driver.individuId, monday[0]?.id as number);
      expect(sim.requestsTo('vieprivee/v1/horairesViePriveeRecurrentesIndividu', 'DELETE')[0]?.query).toEqual({
        individuId: String(driver.individuId),
        horaireIndividuIds: String(monday[0]?.id),
      });
      const past = await rejection(client.saveRecurringSchedules(driver.individuId, body, { from: new Date('2026-01-01T00:00:00Z') }));
      expect(past.kind).toBe('invalidInput');
      expect(past.oceanMessage).toMatch(/passé/);
    }));

  it('creates, lists and deletes exceptional periods on the singular and plural paths', () =>
    withOcean(async ({ client, sim }) => {
      const holder = sim.fleet.byIndex(EXCEPTIONAL_PRIVATE_INDEX);
      const existing = await client.exceptionalPeriods(holder.individuId);
      expect(existing).toHaveLength(1);
      expect(existing[0]?.extension?.description).toBe('NOEL');
      const driver = sim.fleet.byIndex(9);
      const { start } = localDayBounds('2026-12-04', 'Europe/Paris');
      const end = localDayBounds('2026-12-05', 'Europe/Paris').end;
      await client.saveExceptionalPeriod({ individuId: driver.individuId, description: 'Congés', from: start, to: end });
      expect(sim.requestsTo('vieprivee/v1/horaireViePriveeExceptionnelleIndividu', 'POST')[0]?.query).toEqual({
        individuId: String(driver.individuId),
        description: 'Congés',
        dateDebut: '03/12/2026 23:00:00 Z',
        dateFin: '05/12/2026 23:00:00 Z',
      });
      const [period] = await client.exceptionalPeriods(driver.individuId, { from: start });
      expect(period?.horairesIndividu).toHaveLength(2);
      await client.deleteExceptionalPeriod(period?.extension?.id as number);
      expect(sim.requestsTo('vieprivee/v1/horairesViePriveeExceptionnellesIndividu', 'DELETE')[0]?.query).toEqual({
        horaireExtensionIds: String(period?.extension?.id),
      });
      expect(await client.exceptionalPeriods(driver.individuId)).toEqual([]);
    }));

  it('marks a trip private then professional; the analysis follows', () =>
    withOcean(async ({ client, sim }) => {
      const driver = sim.fleet.byIndex(9);
      const vehicle = sim.fleet.vehicle(driver.vehicleId as number);
      const [trip] = (await client.dailyRecord(vehicle?.id as number, '2026-11-24')).filter((r) => r.type === 'T');
      const { start, end } = localDayBounds('2026-11-24', 'Europe/Paris');
      const analysis = () =>
        client.privacyAnalysis({
          filter: { persons: [driver.individuId] },
          renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
          criteria: 'ALL',
          periode: { debut: start.toISOString(), fin: end.toISOString() },
        });
      const privateKm = async () => {
        const [result] = await analysis();
        return result?.synthesisTreeByDriver?.entityTotalCumul?.total?.distanceInMeterByPeriodMap?.VIE_PRIVEE;
      };
      expect(await privateKm()).toBe(0);
      await client.markTrip({
        idEtape: trip?.id as number,
        numeroEmbarque: vehicle?.numeroEmbarque as number,
        codeExploitant: vehicle?.codeExploitant,
        privacy: true,
      });
      expect(sim.requestsTo('vieprivee/v1/etapeViePriveePosteriori')[0]?.query).toEqual({
        idEtape: String(trip?.id),
        numeroEmbarque: String(vehicle?.numeroEmbarque),
        codeExploitant: vehicle?.codeExploitant,
        privacy: 'true',
      });
      expect(await privateKm()).toBe(trip?.distanceMeter);
      await client.markTrip({ idEtape: trip?.id as number, numeroEmbarque: vehicle?.numeroEmbarque as number, privacy: false });
      expect(await privateKm()).toBe(0);
      const wrongBox = await rejection(client.markTrip({ idEtape: trip?.id as number, numeroEmbarque: 1, privacy: true }));
      expect(wrongBox.kind).toBe('invalidInput');
      const tooLong = await rejection(
        client.privacyAnalysis({ renderMode: 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS', criteria: 'ALL', periode: { debut: 0, fin: Date.parse(NOW) } }),
      );
      expect(tooLong.oceanMessage).toMatch(/trop longue/);
    }));

  it('logs in again once when the token expires, and repeats the call', async () => {
    const c = clock();
    await withOcean(
      async ({ client, sim }) => {
        await client.listVehicles();
        c.advance(2 * 3600_000); // past the simulator's 1 h lifetime, within the client's 12 h
        await client.listVehicles();
        expect(client.loginCount).toBe(2);
        expect(sim.requests.map((r) => `${r.endpoint}:${r.status}`)).toEqual([
          'auth/authenticate2:200',
          'vehicule_engin/vehicles:200',
          'vehicule_engin/vehicles:401',
          'auth/authenticate2:200',
          'vehicule_engin/vehicles:200',
        ]);
      },
      { clock: c, tokenLifetimeMs: 3600_000 },
      { clock: c },
    );
  });

  it('renews the token before its lifetime ends, without a 401', async () => {
    const c = clock();
    await withOcean(
      async ({ client, sim }) => {
        await client.listVehicles();
        c.advance(55 * 60_000);
        await client.listVehicles();
        expect(client.loginCount).toBe(2);
        expect(sim.requests.filter((r) => r.status === 401)).toEqual([]);
      },
      { clock: c, tokenLifetimeMs: 3600_000 },
      { clock: c, tokenLifetimeMs: 3600_000, renewBeforeMs: 10 * 60_000 },
    );
  });

  it('a refused login is an auth error that names neither the password nor a token', () =>
    withOcean(async ({ baseUrl }) => {
      const client = new OceanClient({ baseUrl, login: 'sandbox', password: 'wrong-secret-pw', retry: { initialDelayMs: 1 } });
      const error = await rejection(client.listVehicles());
      await client.close();
      expect(error.kind).toBe('auth');
      expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toMatch(/wrong-secret-pw/);
    }));

  it('a 401 that survives a fresh login is an auth error, after exactly one re-login', () =>
    withOcean(async ({ client, sim }) => {
      sim.tokenLifetimeMs = 0; // every token is born expired
      const error = await rejection(client.listVehicles());
      expect(error.kind).toBe('auth');
      expect(sim.requestsTo('vehicule_engin/vehicles')).toHaveLength(2);
      expect(sim.requestsTo('auth/authenticate2')).toHaveLength(2);
    }));

  it('waits for Retry-After on a 429, then succeeds', () =>
    withOcean(async ({ client, sim }) => {
      await client.authenticate();
      sim.setFaults({ failNext: { status: 429, count: 1, retryAfterSeconds: 1 } });
      const started = Date.now();
      await client.listVehicles();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(sim.requestsTo('vehicule_engin/vehicles').map((r) => r.status)).toEqual([429, 200]);
    }));

  it('retries 503 bursts with backoff, within the attempt limit, then gives up as unavailable', () =>
    withOcean(
      async ({ client, sim }) => {
        sim.setFaults({ failNext: { status: 503, count: 2 }, only: 'vehicule' });
        await client.listVehicles();
        expect(sim.requestsTo('vehicule_engin/vehicles').map((r) => r.status)).toEqual([503, 503, 200]);
        sim.requests.length = 0;
        sim.setFaults({ failNext: { status: 500, count: 10 } });
        const error = await rejection(client.listVehicles());
        expect(error.kind).toBe('unavailable');
        expect(error.status).toBe(500);
        expect(sim.requestsTo('vehicule_engin/vehicles')).toHaveLength(3);
      },
      {},
      { retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } },
    ));

  it('stops retrying when the time budget is spent, even with attempts left', () =>
    withOcean(
      async ({ client, sim }) => {
        await client.authenticate();
        sim.setFaults({ failNext: { status: 429, count: 10, retryAfterSeconds: 2 } });
        const error = await rejection(client.listVehicles());
        expect(error.kind).toBe('rateLimited');
        expect(sim.requestsTo('vehicule_engin/vehicles')).toHaveLength(1);
      },
      {},
      { retry: { maxAttempts: 10, maxElapsedMs: 1000 } },
    ));

  it('times out a call that never answers, and retries it when it is safe to repeat', () =>
    withOcean(
      async ({ client, sim }) => {
        await client.authenticate();
        sim.setFaults({ hangNext: 1 });
        const vehicles = await client.listVehicles();
        expect(vehicles.length).toBeGreaterThan(0);
        expect(sim.requestsTo('vehicule_engin/vehicles').map((r) => r.status)).toEqual(['hung', 200]);
      },
      {},
      { timeoutMs: 300 },
    ));

  it('does not repeat a creation that may have reached Ocean (timeout on the exceptional POST)', () =>
    withOcean(
      async ({ client, sim }) => {
        await client.authenticate();
        sim.setFaults({ hangNext: 1 });
        const error = await rejection(
          client.saveExceptionalPeriod({
            individuId: sim.fleet.byIndex(9).individuId,
            description: 'x',
            from: new Date('2026-12-01T00:00:00Z'),
            to: new Date('2026-12-02T00:00:00Z'),
          }),
        );
        expect(error.kind).toBe('unavailable');
        expect(error.oceanMessage).toBe('timed out');
        expect(sim.requestsTo('vieprivee/v1/horaireViePriveeExceptionnelleIndividu')).toHaveLength(1);
      },
      {},
      { timeoutMs: 300 },
    ));

  it('survives dropped connections on reads', () =>
    withOcean(async ({ client, sim }) => {
      await client.authenticate();
      sim.setFaults({ dropNext: 2 });
      expect((await client.listIndividus()).length).toBe(30);
    }));

  it('a malformed or wrongly shaped body is a badResponse error, not a crash', () =>
    withOcean(async ({ client, sim }) => {
      await client.authenticate();
      sim.setFaults({ malformedNext: 1 });
      expect((await rejection(client.dailyRecord(5000, '2026-11-24'))).kind).toBe('badResponse');
      sim.setFaults({ wrongShapeNext: 1 });
      const shape = await rejection(client.dailyRecord(5000, '2026-11-24'));
      expect(shape.kind).toBe('badResponse');
      expect(shape.message).toMatch(/fjRows/);
      expect(sim.requestsTo('mobility/v1/ficheJour')).toHaveLength(2);
    }));

  it('a connection refused is unavailable after the retries', async () => {
    const client = new OceanClient({ baseUrl: 'http://127.0.0.1:9/ocean/restapi', login: 'a', password: 'b', retry: { maxAttempts: 2, initialDelayMs: 1 } });
    const error = await rejection(client.listVehicles());
    await client.close();
    expect(error.kind).toBe('unavailable');
  });

  it('never has more requests in flight than its concurrency limit', () =>
    withOcean(
      async ({ client, sim }) => {
        await client.authenticate();
        sim.setFaults({ latencyMs: 30 });
        let peak = 0;
        const timer = setInterval(() => {
          peak = Math.max(peak, client.inFlight);
        }, 2);
        await Promise.all(Array.from({ length: 40 }, () => client.dailyRecord(5001, '2026-11-24')));
        clearInterval(timer);
        expect(peak).toBeLessThanOrEqual(4);
        expect(peak).toBeGreaterThanOrEqual(3);
      },
      {},
      { maxConcurrency: 4 },
    ));

  it('the token never appears in errors, and requests without it are refused', () =>
    withOcean(async ({ client, sim, baseUrl }) => {
      const { token } = await client.authenticate();
      sim.setFaults({ failNext: { status: 400, count: 1 } });
      const error = await rejection(client.listVehicles());
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(token);
      const raw = await fetch(`${baseUrl}/vehicule_engin/vehicles`);
      expect(raw.status).toBe(401);
    }));

  it('trips are generated the same way on every run, weekends lighter than weekdays but for the every-day drivers', () =>
    withOcean(async ({ sim }) => {
      const a = sim.fleet.trips(5003, '2026-11-24', 'Europe/Paris');
      const b = sim.fleet.trips(5003, '2026-11-24', 'Europe/Paris');
      expect(a.map((t) => t.id)).toEqual(b.map((t) => t.id));
      const everyDay = new Set(EVERY_DAY_INDEXES.map((i) => sim.fleet.byIndex(i).vehicleId));
      let weekday = 0;
      let weekend = 0;
      for (const v of sim.fleet.vehicles) {
        const sunday = sim.fleet.trips(v.id, '2026-11-22', 'Europe/Paris').length;
        if (everyDay.has(v.id)) {
          expect(sunday).toBeGreaterThanOrEqual(2);
          continue;
        }
        weekday += sim.fleet.trips(v.id, '2026-11-24', 'Europe/Paris').length;
        weekend += sunday;
      }
      expect(weekday).toBeGreaterThan(weekend * 2);
      expect(DateTime.fromISO('2026-11-22').weekday).toBe(7);
    }));
});
