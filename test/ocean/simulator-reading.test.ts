import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { RECURRING_PRIVATE_INDEXES } from '../../src/sandbox/fleet';
import { OceanSimulator } from '../../src/sandbox/simulator';

/*
 * The simulator is an independent, stricter reading of Ocean's documentation: it shares no
 * schema or date helper with the client (or a test could never disagree with the client), and
 * it refuses what the docs do not show.
 */

const SANDBOX = path.resolve(__dirname, '../../src/sandbox');

it('the simulator imports nothing from the client (src/ocean)', () => {
  const offenders = fs.readdirSync(SANDBOX).filter((f) => /from ['"]\.\.\/ocean\//.test(fs.readFileSync(path.join(SANDBOX, f), 'utf8')));
  expect(offenders).toEqual([]);
});

describe('the simulator refuses what the docs do not show', () => {
  const sim = new OceanSimulator({ clock: new ManualClock('2026-11-25T09:00:00Z'), codeExploitant: '1110000001' });
  let token = '';
  const call = async (method: string, pathAndQuery: string, body?: unknown) => {
    const res = await fetch(`${sim.baseUrl}/${pathAndQuery}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  beforeAll(async () => {
    await sim.start();
    const login = await fetch(`${sim.baseUrl}/auth/authenticate2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: sim.login, password: sim.password }),
    });
    token = ((await login.json()) as { token: string }).token;
  });
  afterAll(() => sim.stop());

  const driver = () => sim.fleet.byIndex(RECURRING_PRIVATE_INDEXES[0] as number);
  const ids = () => sim.state.current(driver().individuId, Date.parse('2026-11-25T09:00:00Z')).map((a) => a.id);

  it('date-times with a numeric offset instead of the literal Z', async () => {
    const q = `individuId=${sim.fleet.byIndex(9).individuId}&description=x&dateDebut=${encodeURIComponent('01/12/2026 00:00:00 +0100')}&dateFin=${encodeURIComponent('02/12/2026 00:00:00 Z')}`;
    expect(await call('POST', `vieprivee/v1/horaireViePriveeExceptionnelleIndividu?${q}`)).toMatchObject({ status: 400 });
    const ok = `individuId=${sim.fleet.byIndex(9).individuId}&description=x&dateDebut=${encodeURIComponent('01/12/2026 00:00:00 Z')}&dateFin=${encodeURIComponent('02/12/2026 00:00:00 Z')}`;
    expect(await call('POST', `vieprivee/v1/horaireViePriveeExceptionnelleIndividu?${ok}`)).toEqual({ status: 200, body: true });
  });

  it('several ids in one DELETE, comma-separated or repeated', async () => {
    const [a, b] = ids();
    const base = `vieprivee/v1/horairesViePriveeRecurrentesIndividu?individuId=${driver().individuId}`;
    expect((await call('DELETE', `${base}&horaireIndividuIds=${a},${b}`)).status).toBe(400);
    expect((await call('DELETE', `${base}&horaireIndividuIds=${a}&horaireIndividuIds=${b}`)).status).toBe(400);
    expect((await call('DELETE', `${base}&horaireIndividuIds=${a}`)).status).toBe(204);
  });

  it("a retroactive request without the customer's codeExploitant, or with another one", async () => {
    const vehicle = sim.fleet.vehicle(sim.fleet.byIndex(9).vehicleId!)!;
    const [trip] = sim.fleet.trips(vehicle.id, '2026-11-24', 'Europe/Paris');
    const base = `vieprivee/v1/etapeViePriveePosteriori?idEtape=${trip!.id}&numeroEmbarque=${vehicle.numeroEmbarque}&privacy=true`;
    expect((await call('POST', base)).status).toBe(400);
    expect((await call('POST', `${base}&codeExploitant=999`)).status).toBe(403);
    expect(await call('POST', `${base}&codeExploitant=1110000001`)).toEqual({ status: 200, body: true });
  });

  it('an analysis body without its filter; a [0] list is a filter on id 0', async () => {
    const body = {
      renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
      criteria: 'ALL',
      periode: { debut: '2026-11-16T00:00:00Z', fin: '2026-11-23T00:00:00Z' },
    };
    expect((await call('POST', 'analyse/preformattedPrivacy', body)).status).toBe(400);
    const all = (await call('POST', 'analyse/preformattedPrivacy', { ...body, filter: {} })).body as [{ synthesisTreeByDriver: { nodes: object } }];
    expect(Object.keys(all[0].synthesisTreeByDriver.nodes).length).toBeGreaterThan(5);
    const none = (await call('POST', 'analyse/preformattedPrivacy', { ...body, filter: { persons: [0] } })).body as [
      { synthesisTreeByDriver: { nodes: object } },
    ];
    expect(none[0].synthesisTreeByDriver.nodes).toEqual({});
  });

  it("ficheJour's date is a UTC day: the rows are the trips starting in it", async () => {
    const vehicle = sim.fleet.byIndex(9).vehicleId!;
    const { body } = await call('GET', `mobility/v1/ficheJour?vehId=${vehicle}&date=24/11/2026`);
    const starts = (body as { fjRows: { type: string; posDeb: { date: string; heure: string } }[] }).fjRows
      .filter((r) => r.type === 'T')
      .map((r) => r.posDeb.date);
    expect(starts.length).toBeGreaterThan(0);
    expect(new Set(starts)).toEqual(new Set(['24/11/2026']));
    expect((await call('GET', `mobility/v1/ficheJour?vehId=${vehicle}&date=2026-11-24`)).status).toBe(400);
  });

  it('a recurring week overlapping the slots in force', async () => {
    const slot = { idJourSemaine: 'SAMEDI', typeHoraires: 'VIE_PRIVEE', debutHeure: 10, finHeure: 12, debutMinute: 0, finMinute: 0 };
    const res = await call('POST', `vieprivee/v1/horairesViePriveeRecurrentesIndividu?individuId=${driver().individuId}`, {
      innerMap: { map: { SAMEDI: { VIE_PRIVEE: [slot] } } },
    });
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringContaining('chevauchement') } });
  });
});
