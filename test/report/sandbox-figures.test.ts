import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ManualClock } from '../../src/clock';
import { OceanSimulator } from '../../src/sandbox/simulator';
import type { View } from '../../src/views/views';
import { startTestService, TEST_NOW, type TestService } from '../support/service';
import { plainJson } from '../support/text';

/*
 * The sandbox's reports as a manager downloads them from the web chat: every column of the CSV
 * adds up to its Total line, and the file is named after the report and its period.
 */

let t: TestService;
let dataDir: string;

type Shown = { messages: { view?: View & { blocks: { type: string; href?: string; name?: string; text?: string }[] } }[] };

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'figures-'));
  t = await startTestService({ web: true, slack: false, teams: false, simulatorOptions: { maxAnalysisDays: 200 }, config: { dataDir } });
}, 60_000);

afterAll(async () => {
  await t.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function command(service: TestService, text: string): Promise<View & { blocks: { type: string; href?: string; name?: string; text?: string }[] }> {
  const as = service.sim.fleet.byIndex(0).email!;
  const res = await fetch(`${service.url}/web/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as, text }),
  });
  expect(res.status).toBe(200);
  const shown = (await res.json()) as Shown;
  // French text as a reader sees it (no-break spaces as spaces, test/support/text.ts).
  return JSON.parse(
    plainJson(
      shown.messages
        .map((m) => m.view)
        .filter(Boolean)
        .pop()!,
    ),
  );
}

async function download(service: TestService, view: Awaited<ReturnType<typeof command>>): Promise<{ name: string; rows: string[][] }> {
  const file = view.blocks.find((b) => b.type === 'file') as unknown as { href: string; name: string };
  const res = await fetch(`${service.url}${file.href}`);
  expect(res.status).toBe(200);
  return { name: file.name, rows: parse(Buffer.from(await res.arrayBuffer()), { delimiter: ';', bom: true }) as string[][] };
}

/** A CSV number in units of its last digit, so that sums are exact. */
function units(cell: string): number {
  const digits = cell.split(',')[1]?.length ?? 0;
  return Math.round(Number(cell.replace(',', '.')) * 10 ** digits);
}

/** Every numeric column of `rows` (those whose Total cell is a number) sums to the Total. */
function expectAddsUp(header: string[], rows: string[][], total: string[], skip: string[] = []): number {
  let checked = 0;
  header.forEach((column, i) => {
    const cell = total[i] ?? '';
    if (!/^-?\d+(,\d+)?$/.test(cell) || skip.includes(column)) return;
    expect({ column, total: units(cell) }).toEqual({ column, total: rows.reduce((s, r) => s + units(r[i] ?? '0'), 0) });
    checked += 1;
  });
  return checked;
}

it.each([
  ['mois-dernier', 'vie-privee-2026-10-par-conducteur.csv'],
  ['hier par véhicule', 'vie-privee-2026-11-24-par-vehicule.csv'],
])(
  'the report of %s adds up in every column, and its file is named after it',
  async (period, name) => {
    const view = await command(t, `privacy-report ${period}`);
    const { name: fileName, rows } = await download(t, view);
    expect(fileName).toBe(name);
    const [header, ...body] = rows;
    const total = body.pop()!;
    expect(total[0]).toBe('Total');
    expect(body.length).toBeGreaterThan(0);
    // The share is a ratio, not a sum; every other figure is.
    expect(expectAddsUp(header!, body, total, ['Part privée (%)'])).toBe(13);
    // The private share of the Total is that of the summed kilometres.
    const [p, q] = [units(total[1]!), units(total[2]!)];
    expect(total[3]).toBe(((100 * p) / (p + q)).toFixed(1).replace('.', ','));
  },
  60_000,
);

it("the year's benefit in kind by vehicle: the vehicles' lines add up to the Total, each driver's part marked as one", async () => {
  const view = await command(t, 'privacy-report 2026 par véhicule');
  const { name, rows } = await download(t, view);
  expect(name).toBe('avantage-en-nature-2026-01-01_2026-11-24-par-vehicule.csv');
  const [header, ...body] = rows;
  const total = body.pop()!;
  expect(header![0]).toBe('Ligne');
  const vehicles = body.filter((r) => r[0] === 'Véhicule');
  expect(vehicles.length).toBe(t.sim.fleet.vehicles.length);
  expect(body.filter((r) => r[0] !== 'Véhicule').every((r) => r[0] === 'Part d’un conducteur')).toBe(true);
  expect(expectAddsUp(header!, vehicles, total, [header![5]!])).toBe(8);
  // A vehicle with no private kilometre has no private fuel nor electricity, whatever the fleet does.
  for (const row of vehicles.filter((r) => r[3] === '0,0')) expect([row[7], row[9], row[11]]).toEqual(['0,00', '0,0', '0,0']);
}, 120_000);

it("distance under a key nobody maps is named in the report and leaves the share empty; the operator's mapping makes it count", async () => {
  t.sim.ctx.professionalKey = 'HORS_VIE_PRIVEE';
  try {
    const view = await command(t, 'privacy-report semaine-derniere');
    expect(view.blocks.filter((b) => b.type === 'text' && b.text?.includes('non classés par la réponse d’Ocean : clé HORS_VIE_PRIVEE'))).toHaveLength(1);
    const [header, ...body] = (await download(t, view)).rows;
    const share = header!.indexOf('Part privée (%)');
    expect(body.filter((r) => r[header!.indexOf('Non classé (km)')] !== '0,0').every((r) => r[share] === '')).toBe(true);
  } finally {
    t.sim.ctx.professionalKey = undefined;
  }
  // The same Ocean, with OCEAN_PROFESSIONAL_KEYS=HORS_VIE_PRIVEE.
  const clock = new ManualClock(TEST_NOW);
  const sim = new OceanSimulator({ clock });
  await sim.start();
  sim.ctx.professionalKey = 'HORS_VIE_PRIVEE';
  const mapped = await startTestService({
    web: false,
    slack: false,
    teams: false,
    clock,
    simulator: sim,
    config: { ocean: { baseUrl: sim.baseUrl, login: sim.login, password: sim.password, customerId: undefined, professionalKeys: ['HORS_VIE_PRIVEE'] } },
  });
  try {
    const data = await mapped.service.core.reports.data({ first: '2026-11-16', last: '2026-11-22', kind: 'range' }, 'driver');
    expect(data.totals.unclassifiedMeters).toBe(0);
    expect(data.totals.professionalMeters).toBeGreaterThan(0);
    expect(data.keysUsed).toContainEqual({ key: 'HORS_VIE_PRIVEE', kind: 'professional', source: 'configured' });
  } finally {
    await mapped.stop();
    await sim.stop();
  }
}, 60_000);
