import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { SHARED_VEHICLE_INDEXES } from '../../src/sandbox/fleet';
import type { View } from '../../src/views/views';
import { startTestService, type TestService } from '../support/service';

/*
 * `/privacy-report 2026 by vehicle` in the web chat: the year so far (1 January to yesterday,
 * 24 November), per vehicle and, within it, per driver. The simulator's Ocean analyses at most
 * 200 days at once, so the year is asked in pieces. The vehicle that drivers 3 and 4 share is
 * checked by hand, from the simulator's own trips.
 */

const ANALYSIS = 'analyse/preformattedPrivacy';
/** The simulator's price per kilometre (src/sandbox/analysis.ts), rounded to cents per analysis. */
const COST_PER_KM = 0.12;

let t: TestService;
let dataDir: string;

interface Shown {
  messages: { view?: View & { blocks: { type: string; href?: string; text?: string; rows?: string[][] }[] } }[];
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'benefit-'));
  t = await startTestService({ web: true, slack: false, teams: false, simulatorOptions: { maxAnalysisDays: 200 }, config: { dataDir } });
}, 60_000);

afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function command(as: string, text: string): Promise<Shown> {
  const res = await fetch(`${t.url}/web/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ as, text }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Shown;
}

const number = (cell: string | undefined) => Number((cell ?? '').replace(',', '.'));

it("gives each vehicle's year and each driver's part of a shared vehicle, checked by hand, with the pro-rata formula in the CSV header", async () => {
  const [a, b] = SHARED_VEHICLE_INDEXES.map((i) => t.sim.fleet.byIndex(i));
  const vehicle = t.sim.fleet.vehicle(a!.vehicleId!)!;
  expect(b!.vehicleId).toBe(vehicle.id);
  // Both drivers said their weekend trips were private (as Ocean records it).
  const sums = new Map<number, { privateKm: number; totalKm: number }>([
    [a!.individuId, { privateKm: 0, totalKm: 0 }],
    [b!.individuId, { privateKm: 0, totalKm: 0 }],
  ]);
  for (let day = DateTime.fromISO('2026-01-01'); day.toISODate()! <= '2026-11-24'; day = day.plus({ days: 1 })) {
    for (const trip of t.sim.fleet.trips(vehicle.id, day.toISODate()!, 'Europe/Paris')) {
      const weekend = day.weekday >= 6;
      if (weekend) t.sim.state.markTrip(trip.id, true);
      const sum = sums.get(trip.driverId)!;
      sum.totalKm += trip.distanceMeter / 1000;
      if (weekend) sum.privateKm += trip.distanceMeter / 1000;
    }
  }
  for (const sum of sums.values()) {
    expect(sum.privateKm).toBeGreaterThan(0);
    expect(sum.totalKm).toBeGreaterThan(sum.privateKm);
  }

  const before = t.sim.requestsTo(ANALYSIS).length;
  const manager = t.sim.fleet.byIndex(0).email!;
  const shown = await command(manager, 'privacy-report 2026 par véhicule');
  const view = shown.messages
    .map((m) => m.view)
    .filter(Boolean)
    .pop()!;
  expect(view.title).toBe('Avantage en nature — 2026 (jusqu’au 24/11/2026) (par véhicule)');
  expect(JSON.stringify(view.blocks)).toContain('au prorata des kilomètres');
  // The year, 328 days, refused whole, then asked in two pieces; drivers asked apart for the shared vehicle only.
  const asked = t.sim.requestsTo(ANALYSIS).slice(before);
  const byVehicle = asked.filter((r) => (r.body as { renderMode: string }).renderMode.startsWith('BY_VEHICLE'));
  expect(byVehicle.map((r) => r.status)).toEqual([400, 200, 200]);
  const byDriver = asked.filter((r) => (r.body as { renderMode: string }).renderMode.startsWith('BY_DRIVER'));
  expect(byDriver.map((r) => (r.body as { filter: unknown }).filter)).toEqual([{ vehicleIds: [vehicle.id] }, { vehicleIds: [vehicle.id] }]);

  const file = view.blocks.find((block) => block.type === 'file') as unknown as { href: string };
  const csv = await fetch(`${t.url}${file.href}`).then((r) => r.arrayBuffer());
  const [header, ...rows] = parse(Buffer.from(csv), { delimiter: ';', bom: true }) as string[][];
  expect(header).toEqual([
    'Ligne',
    'Véhicule',
    'Conducteur',
    'Privé (km)',
    'Total (km)',
    'Part privée (%) = Privé (km) / Total (km) × 100',
    'Coût (€)',
    'Coût privé (€) = Coût (€) × Privé (km) / Total (km)',
    'Carburant (L)',
    'Carburant privé (L) = Carburant (L) × Privé (km) / Total (km)',
    'Électricité (kWh)',
    'Électricité privée (kWh) = Électricité (kWh) × Privé (km) / Total (km)',
  ]);
  // Columns after "Ligne": a vehicle's line, then its drivers' parts.
  const mine = rows.filter((r) => r[1]!.includes(vehicle.immatriculation)).map((r) => r.slice(1));
  expect(rows.filter((r) => r[1]!.includes(vehicle.immatriculation)).map((r) => r[0])).toEqual(['Véhicule', 'Part d’un conducteur', 'Part d’un conducteur']);
  expect(mine).toHaveLength(3);
  expect(mine[0]![1]).toBe('Tous les conducteurs');
  expect(
    mine
      .slice(1)
      .map((r) => r[1])
      .sort(),
  ).toEqual([a!, b!].map((d) => `${d.firstName} ${d.lastName}`).sort());
  for (const d of [a!, b!]) {
    const row = mine.find((r) => r[1] === `${d.firstName} ${d.lastName}`)!;
    const expected = sums.get(d.individuId)!;
    const [privateKm, totalKm, share, cost, privateCost] = [row[2], row[3], row[4], row[5], row[6]].map(number) as [number, number, number, number, number];
    expect(privateKm).toBeCloseTo(expected.privateKm, 1);
    expect(totalKm).toBeCloseTo(expected.totalKm, 1);
    expect(share).toBeCloseTo((100 * expected.privateKm) / expected.totalKm, 1);
    // Ocean's cost for this driver's kilometres in this vehicle, then its private part by the formula.
    expect(Math.abs(cost - expected.totalKm * COST_PER_KM)).toBeLessThanOrEqual(0.02);
    expect(privateCost).toBeCloseTo((cost * expected.privateKm) / expected.totalKm, 1);
    const fuel = vehicle.electric ? [number(row[9]), number(row[10])] : [number(row[7]), number(row[8])];
    expect(fuel[0]).toBeGreaterThan(0);
    expect(Math.abs(fuel[1]! - (fuel[0]! * expected.privateKm) / expected.totalKm)).toBeLessThanOrEqual(0.05);
  }
  // The same, worked out by hand for this seeded fleet (an electric car: no fuel, 0.17 kWh/km):
  //   Nicolas Girard:  1 189,9 private km / 11 925,8 km = 9,98 %; 11 925,8 km × 0,12 € = 1 431,10 € × 9,98 % = 142,79 €; 2 027,4 kWh × 9,98 % = 202,3 kWh
  //   Sophie Martinez:    68,9 private km /  5 015,4 km = 1,37 %;  5 015,4 km × 0,12 € =   601,86 € × 1,37 % =   8,27 €;   852,6 kWh × 1,37 % =  11,7 kWh
  expect(mine.find((r) => r[1] === 'Nicolas Girard')!.slice(2)).toEqual(['1189,9', '11925,8', '10,0', '1431,10', '142,79', '0,0', '0,0', '2027,4', '202,3']);
  expect(mine.find((r) => r[1] === 'Sophie Martinez')!.slice(2)).toEqual(['68,9', '5015,4', '1,4', '601,86', '8,27', '0,0', '0,0', '852,6', '11,7']);
  // The vehicle's line is both drivers together.
  const all = mine[0]!;
  const both = [...sums.values()].reduce((s, x) => ({ privateKm: s.privateKm + x.privateKm, totalKm: s.totalKm + x.totalKm }), { privateKm: 0, totalKm: 0 });
  expect(number(all[2])).toBeCloseTo(both.privateKm, 1);
  expect(number(all[3])).toBeCloseTo(both.totalKm, 1);
  // A vehicle with one driver: the driver's line is the vehicle's.
  const single = t.sim.fleet.byIndex(9);
  const own = rows.filter((r) => r[1]!.includes(t.sim.fleet.vehicle(single.vehicleId!)!.immatriculation)).map((r) => r.slice(1));
  expect(own.map((r) => r[1])).toEqual(['Tous les conducteurs', `${single.firstName} ${single.lastName}`]);
  expect(own[1]!.slice(2)).toEqual(own[0]!.slice(2));
  expect(rows.pop()![0]).toBe('Total');
}, 120_000);

it('someone who drove a shared vehicle without being assigned to it gets their part there, from an analysis of that vehicle alone', async () => {
  const vehicle = t.sim.fleet.vehicle(t.sim.fleet.byIndex(SHARED_VEHICLE_INDEXES[0]).vehicleId!)!;
  const stranger = t.sim.fleet.byIndex(5);
  // A Sunday afternoon trip of 70 minutes, by driver 5, whose own car is another one.
  const trip = t.sim.fleet.addTrip(vehicle.id, DateTime.fromISO('2026-11-22T15:00:00', { zone: 'Europe/Paris' }), 70, 'Europe/Paris');
  trip.driverId = stranger.individuId;
  const before = t.sim.requestsTo(ANALYSIS).length;
  const shown = await command(t.sim.fleet.byIndex(0).email!, 'privacy-report 2026 by vehicle');
  const byDriver = t.sim
    .requestsTo(ANALYSIS)
    .slice(before)
    .filter((r) => (r.body as { renderMode: string }).renderMode.startsWith('BY_DRIVER'));
  // Asked with the other shared vehicles (here none), then alone: the parts did not add up to the vehicle.
  expect(byDriver.map((r) => (r.body as { filter: unknown }).filter)).toEqual([
    { vehicleIds: [vehicle.id] },
    { vehicleIds: [vehicle.id] },
    { vehicleIds: [vehicle.id] },
    { vehicleIds: [vehicle.id] },
  ]);
  const file = shown.messages
    .map((m) => m.view)
    .filter(Boolean)
    .pop()!
    .blocks.find((block) => block.type === 'file') as unknown as { href: string };
  const res = await fetch(`${t.url}${file.href}`);
  const rows = parse(Buffer.from(await res.arrayBuffer()), { delimiter: ';', bom: true }) as string[][];
  const mine = rows.filter((r) => r[1]!.includes(vehicle.immatriculation)).map((r) => r.slice(1));
  expect(mine.map((r) => r[1]).sort()).toEqual(
    ['Tous les conducteurs', 'Nicolas Girard', 'Sophie Martinez', `${stranger.firstName} ${stranger.lastName}`].sort(),
  );
  const part = mine.find((r) => r[1] === `${stranger.firstName} ${stranger.lastName}`)!;
  // Driver 5's private hours cover Sundays: the whole trip is private.
  const km = (trip.distanceMeter / 1000).toFixed(1).replace('.', ',');
  expect(Number.parseFloat(km)).toBeGreaterThan(0);
  expect(part.slice(2, 5)).toEqual([km, km, '100,0']);
  const sum = (column: number) => mine.slice(1).reduce((s, r) => s + number(r[column]), 0);
  expect(sum(3)).toBeCloseTo(number(mine[0]![3]), 0);
}, 120_000);

it('a year to come is refused before Ocean is asked, and a driver cannot ask for it', async () => {
  const before = t.sim.requests.length;
  const future = await command(t.sim.fleet.byIndex(0).email!, 'privacy-report 2027 par véhicule');
  expect(JSON.stringify(future.messages)).toContain('commence dans le futur');
  const driver = await command(t.sim.fleet.byIndex(9).email!, 'privacy-report 2026 par véhicule');
  expect(JSON.stringify(driver.messages)).toContain('réservée aux gestionnaires');
  expect(t.sim.requests.slice(before).filter((r) => r.endpoint === ANALYSIS)).toEqual([]);
});
