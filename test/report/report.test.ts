import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { toBlocks } from '../../adapters/slack/blocks';
import { translator } from '../../src/i18n';
import type { Period } from '../../src/privacy/report/periods';
import type { Block, View } from '../../src/views/views';
import { typed, user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';

const NOVEMBER_WEEK: Period = { first: '2026-11-16', last: '2026-11-22', kind: 'range' };

function block<T extends Block['type']>(view: View, type: T): Extract<Block, { type: T }> | undefined {
  return view.blocks.find((b): b is Extract<Block, { type: T }> => b.type === type);
}

function csvOf(view: View): string[][] {
  const file = block(view, 'file');
  expect(file?.data.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // UTF-8 BOM for Excel
  return parse(file!.data, { delimiter: ';', bom: true, record_delimiter: '\r\n', relax_column_count: false }) as string[][];
}

async function managerActor(t: TestService, locale: 'fr' | 'en' = 'fr') {
  const email = t.sim.fleet.byIndex(0).email!;
  const actor = await t.service.core.people.identify(user(`boss-${locale}`, { email, locale }));
  expect(actor.role).toBe('manager');
  return actor;
}

describe('the manager report', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false, teams: false, simulatorOptions: { extraPeriodKeys: ['WEEKEND'], maxAnalysisDays: 200 } });
  });
  afterAll(() => t.stop());

  it('by driver: one row per driver with trips, totals that match Ocean, a French CSV any RFC 4180 reader parses', async () => {
    const actor = await managerActor(t);
    const view = await t.service.core.reports.report(actor, NOVEMBER_WEEK, 'driver');
    const rows = csvOf(view);
    const [header, ...body] = rows;
    const totals = body.pop()!;
    expect(header!.slice(0, 3)).toEqual(['Conducteur', 'Privé (km)', 'Pro (km)']);
    const drivers = t.sim.fleet.drivers.filter((d) => d.vehicleId).length;
    expect(body).toHaveLength(drivers);
    expect(totals[0]).toBe('Total');
    const km = (cell: string) => Number(cell.replace(',', '.'));
    // The Total is the sum of the rows as printed, to the last digit (tenths of a km, summed as integers).
    const tenths = (column: number) => body.reduce((s, r) => s + Math.round(km(r[column]!) * 10), 0);
    expect(Math.round(km(totals[1]!) * 10)).toBe(tenths(1));
    expect(Math.round(km(totals[2]!) * 10)).toBe(tenths(2));
    expect(totals[1]).toMatch(/^\d+,\d$/); // decimal comma, no thousands separator
    // The sent request: the period's bounds in the fleet's time zone, the by-driver mode.
    const request = t.sim.requestsTo('analyse/preformattedPrivacy').slice(-1)[0]!;
    expect(request.body).toMatchObject({
      renderMode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
      periode: { debut: '2026-11-15T23:00:00.000Z', fin: '2026-11-22T23:00:00.000Z' },
    });
    expect((request.body as { filter?: unknown }).filter).toEqual({}); // the documented filter, its unused criteria left out, not [0]
  });

  it('keeps unknown period-map keys as their own columns and logs each once', async () => {
    const actor = await managerActor(t);
    const run = () => t.service.core.reports.report(actor, NOVEMBER_WEEK, 'vehicle');
    const view = await run();
    await run();
    const [header] = csvOf(view);
    expect(header).toContain('distanceInMeterByPeriodMap.WEEKEND');
    expect(header).toContain('durationInSecByPeriodMap.WEEKEND');
    expect(t.logs.filter((l) => l.includes('unknown key') && l.includes('"map":"distanceInMeterByPeriodMap"'))).toHaveLength(1);
  });

  it('by vehicle: rows are named by plate, the chart is a real PNG, the table stays compact', async () => {
    const actor = await managerActor(t, 'en');
    const view = await t.service.core.reports.report(actor, NOVEMBER_WEEK, 'vehicle');
    const table = block(view, 'table')!;
    expect(table.rows.length).toBeLessThanOrEqual(10);
    expect(table.columns.map((c) => c.label)).toEqual(['Vehicle', 'Private (km)', 'Pro (km)', 'Private share (%)']);
    const plates = t.sim.fleet.vehicles.map((v) => v.immatriculation);
    expect(table.rows.every((r) => plates.some((p) => r[0]!.includes(p)))).toBe(true);
    expect(view.blocks.some((b) => b.type === 'text' && b.text.includes('more rows (see the CSV)'))).toBe(true);
    const png = PNG.sync.read(block(view, 'image')!.png);
    expect(png.width).toBeGreaterThan(600);
    expect(png.height).toBeGreaterThan(150);
    // Private stays private: totals only, no town, street or time of day anywhere.
    const everything = JSON.stringify(view.blocks.filter((b) => b.type !== 'image' && b.type !== 'file')) + block(view, 'file')!.data.toString('utf8');
    expect(everything).not.toMatch(/Lyon|Villeurbanne|rue |avenue |\d{2}:\d{2}/);
  });

  it("a period longer than Ocean analyses at once is asked in pieces; Ocean's refusals become clear messages: invalid request, access denied, Ocean unavailable", async () => {
    await managerActor(t);
    const manager = user('boss-fr', { email: t.sim.fleet.byIndex(0).email!, locale: 'fr' });
    const answer = async (line: string) => (await typed(t, manager, line)).map((v) => v.summary).join('\n');
    // Ocean holds analyses to its own maximum (the simulator here: 200 days): refused whole, then asked in two halves.
    const before = t.sim.requestsTo('analyse/preformattedPrivacy').length;
    expect(await answer('privacy-report 01/01/2026-01/11/2026')).toContain('Usage privé / professionnel — 01/01/2026 – 01/11/2026');
    const asked = t.sim.requestsTo('analyse/preformattedPrivacy').slice(before);
    expect(asked.map((r) => r.status)).toEqual([400, 200, 200]);
    expect(asked.slice(1).map((r) => (r.body as { periode: unknown }).periode)).toEqual([
      { debut: '2025-12-31T23:00:00.000Z', fin: '2026-06-02T22:00:00.000Z' },
      { debut: '2026-06-02T22:00:00.000Z', fin: '2026-11-01T23:00:00.000Z' },
    ]);
    // A refusal of a short period is not about its length: said in Ocean's words.
    t.sim.setFaults({ failNext: { status: 400, count: 1 }, only: 'analyse' });
    expect(await answer('privacy-report 16/11/2026-22/11/2026')).toContain('Ocean a refusé la demande');
    t.sim.setFaults({ failNext: { status: 403, count: 1 }, only: 'analyse' });
    expect(await answer('privacy-report 16/11/2026-22/11/2026')).toContain("refuse l'accès");
    t.sim.setFaults({ failNext: { status: 503, count: 20 }, only: 'analyse' });
    expect(await answer('privacy-report 16/11/2026-22/11/2026')).toContain('ne répond pas');
    t.sim.faults.reset();
    t.sim.setFaults({ wrongShapeNext: 1, only: 'analyse' });
    expect(await answer('privacy-report 16/11/2026-22/11/2026')).toContain('illisible');
    t.sim.faults.reset();
  });

  it('a driver is refused without any call to Ocean', async () => {
    const driver = user('drv', { email: t.sim.fleet.byIndex(9).email! });
    const before = t.sim.requests.length;
    // Told it is for managers, even when the period is wrong: a driver has no use for the correction.
    for (const line of ['privacy-report 16/11/2026-22/11/2026', 'privacy-report 2026-13']) {
      const views = await typed(t, driver, line);
      expect(views.map((v) => v.summary)).toEqual([expect.stringContaining('réservée aux gestionnaires')]);
    }
    expect(t.sim.requests.slice(before).filter((r) => r.endpoint === 'analyse/preformattedPrivacy')).toEqual([]);
  });
});

describe('report edge cases', () => {
  it('an empty period says so, with no table, chart or file', async () => {
    const t = await startTestService({ slack: false, teams: false, simulatorOptions: { size: 1 } });
    try {
      const actor = await t.service.core.people.identify(user('boss', { email: t.sim.fleet.byIndex(0).email! }));
      const view = await t.service.core.reports.report(actor, NOVEMBER_WEEK, 'driver');
      expect(view.blocks).toEqual([{ type: 'text', text: expect.stringContaining('Aucun trajet') }]);
    } finally {
      await t.stop();
    }
  });

  it('a fleet of thousands gives a readable message and the full data in the CSV', async () => {
    const t = await startTestService({ slack: false, teams: false, simulatorOptions: { size: 2500 } });
    try {
      const actor = await t.service.core.people.identify(user('boss', { email: t.sim.fleet.byIndex(0).email! }));
      const view = await t.service.core.reports.report(actor, { first: '2026-11-24', last: '2026-11-24', kind: 'day' }, 'driver');
      const rows = csvOf(view);
      expect(rows.length).toBeGreaterThan(2000);
      expect(block(view, 'table')!.rows).toHaveLength(10);
      expect(view.blocks.find((b) => b.type === 'text' && b.text.includes('autres lignes'))).toBeDefined();
      expect(toBlocks(view).length).toBeLessThanOrEqual(50);
      expect(translator('fr').t('report.rest', { count: 2 })).toContain('2 autres lignes');
    } finally {
      await t.stop();
    }
  }, 90_000);
});
