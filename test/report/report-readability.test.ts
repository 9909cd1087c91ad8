import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { translator } from '../../src/i18n';
import { barChartPng, barChartSvg, type ChartBar, MAX_CHART_BARS } from '../../src/privacy/report/chart';
import type { Period } from '../../src/privacy/report/periods';
import { ReportService } from '../../src/privacy/report/reports';
import { sumRows } from '../../src/privacy/report/rows';
import type { Block, View } from '../../src/views/views';
import { user } from '../support/chat';
import { startTestService, type TestService } from '../support/service';

/*
 * What a manager reads in the report: numbers in their language, euros, whole names, a chart
 * that says what it leaves out, and a report that survives a chart that cannot be drawn.
 */

const WEEK: Period = { first: '2026-11-16', last: '2026-11-22', kind: 'range' };
const LABELS = { title: 'novembre 2026', privateLabel: 'Privé', professionalLabel: 'Professionnel', axis: 'km' };

function bars(count: number, name = (i: number) => `Conductrice numéro ${i}`): ChartBar[] {
  return Array.from({ length: count }, (_, i) => ({ name: name(i), privateKm: 1200 + i * 37.5, professionalKm: 2400 + i * 12 }));
}

function block<T extends Block['type']>(view: View, type: T): Extract<Block, { type: T }> | undefined {
  return view.blocks.find((b): b is Extract<Block, { type: T }> => b.type === type);
}

/** The texts an SVG draws, entities decoded. */
function drawnTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
  );
}

describe('the report chart', () => {
  it('fits what Teams shows inline: at most 1024×1024 pixels and 1 MB, even with as many long names as it draws', async () => {
    const png = await barChartPng(
      bars(MAX_CHART_BARS, (i) => `AB-${100 + i}-CD · Renault Mégane E-Tech 100 % électrique`),
      { ...LABELS, locale: 'fr' },
    );
    const image = PNG.sync.read(png);
    expect(image.width).toBeLessThanOrEqual(1024);
    expect(image.height).toBeLessThanOrEqual(1024);
    expect(image.width).toBeGreaterThan(600);
    expect(png.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it("writes the axis numbers in the manager's language: 1 200 in French, 1,200 in English", async () => {
    const fr = drawnTexts(await barChartSvg(bars(3), { ...LABELS, locale: 'fr' }));
    const en = drawnTexts(await barChartSvg(bars(3), { ...LABELS, locale: 'en' }));
    expect(fr.some((t) => /^\d{1,3}\u00a0\d{3}$/.test(t))).toBe(true);
    expect(fr.some((t) => /^\d{1,3},\d{3}$/.test(t))).toBe(false);
    expect(en.some((t) => /^\d{1,3},\d{3}$/.test(t))).toBe(true);
  });

  it("draws a vehicle's whole name, plate and model", async () => {
    const name = 'AB-123-CD · Renault Mégane E-Tech';
    const texts = drawnTexts(await barChartSvg([{ name, privateKm: 10, professionalKm: 20 }], { ...LABELS, locale: 'fr' }));
    expect(texts).toContain(name);
  });

  it('draws names with control characters, lone surrogates and markup', async () => {
    const hostile = bars(3, (i) => [`Eve\u0001 Martin`, `Zo\ud800é <b>&amp;</b>`, `\u202eNidal\u0007`][i] as string);
    const png = PNG.sync.read(await barChartPng(hostile, { ...LABELS, locale: 'fr' }));
    expect(png.width).toBeGreaterThan(0);
  });
});

describe('the report as the manager gets it', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ slack: false, teams: false });
  });
  afterAll(() => t.stop());

  async function report(by: 'driver' | 'vehicle', locale: 'fr' | 'en' = 'fr') {
    const email = t.sim.fleet.byIndex(0).email!;
    const actor = await t.service.core.people.identify(user(`boss-${locale}`, { email, locale }));
    return t.service.core.reports.report(actor, WEEK, by);
  }

  it('draws every row of the fleet when they fit, and says nothing is left out', async () => {
    const drawn: ChartBar[][] = [];
    const reports = new ReportService({
      ...reportDeps(),
      chart: async (bars) => {
        drawn.push(bars);
        return barChartPng(bars, { ...LABELS, locale: 'fr' });
      },
    });
    const view = await reports.render(await t.service.core.reports.data(WEEK, 'driver'), translator('fr'), 'semaine', 'driver', WEEK);
    const rows = (parse(block(view, 'file')!.data, { delimiter: ';', bom: true }) as string[][]).length - 2;
    expect(rows).toBeGreaterThan(25);
    expect(drawn[0]).toHaveLength(rows);
    expect(block(view, 'image')!.alt).not.toContain('lignes sur');
    expect(view.blocks.some((b) => b.type === 'text' && b.text.includes('Hors du graphique'))).toBe(false);
  });

  it('beyond what fits, names the rows the chart leaves out and says the CSV has them', async () => {
    const data = await t.service.core.reports.data(WEEK, 'driver');
    const many = Array.from({ length: 3 }, (_, copy) => data.rows.map((r) => ({ ...r, id: `${r.id}-${copy}`, name: `${r.name} ${copy + 1}` }))).flat();
    const view = await t.service.core.reports.render({ ...data, rows: many, totals: sumRows(many) }, translator('fr'), 'semaine', 'driver', WEEK);
    expect(many.length).toBeGreaterThan(MAX_CHART_BARS);
    expect(block(view, 'image')!.alt).toContain(`${MAX_CHART_BARS} lignes sur ${many.length} dans le graphique, toutes dans le CSV`);
    const note = view.blocks.find((b): b is Extract<Block, { type: 'text' }> => b.type === 'text' && b.text.startsWith('Hors du graphique'))!;
    expect(note.text).toContain(many[MAX_CHART_BARS]!.name);
    expect(note.text).toContain(`et ${many.length - MAX_CHART_BARS - 10} autres`);
    const csvNames = (parse(block(view, 'file')!.data, { delimiter: ';', bom: true }) as string[][]).map((r) => r[0]);
    for (const row of many.slice(MAX_CHART_BARS)) expect(csvNames).toContain(row.name);
  });

  it('gives costs in euros with cents, in the summary and in the CSV header', async () => {
    const fr = await report('vehicle');
    const cost = block(fr, 'fields')!.fields.find((f) => f.label === 'Coût (€)');
    expect(cost?.value).toMatch(/^\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€$/);
    expect(block(fr, 'file')!.data.toString('utf8')).toContain(';Coût (€);');
    const en = await report('vehicle', 'en');
    expect(block(en, 'fields')!.fields.find((f) => f.label === 'Cost (€)')?.value).toMatch(/^€\d{1,3}(,\d{3})*\.\d{2}$/);
  });

  function reportDeps() {
    const core = t.service.core;
    return { ocean: core.ocean, directory: core.directory, store: core.store, zone: 'Europe/Paris' };
  }

  it('a chart that cannot be drawn leaves the table and the CSV, and says so', async () => {
    const core = t.service.core;
    const reports = new ReportService({
      ...reportDeps(),
      chart: async () => {
        throw new Error('SVG data parsing failed');
      },
    });
    const view = await reports.render(await core.reports.data(WEEK, 'driver'), translator('fr'), 'semaine', 'driver', WEEK);
    expect(block(view, 'table')!.rows.length).toBeGreaterThan(0);
    expect(block(view, 'file')).toBeDefined();
    expect(block(view, 'image')).toBeUndefined();
    expect(view.blocks.some((b) => b.type === 'text' && b.text.includes("Le graphique n'a pas pu être dessiné"))).toBe(true);
  });
});

describe('a hostile name in Ocean', () => {
  it('a driver named with control characters still gets the manager a table, a chart and a CSV', async () => {
    const t = await startTestService({ slack: false, teams: false });
    try {
      const driver = t.sim.fleet.drivers.find((d) => d.vehicleId && d.index > 0)!;
      driver.lastName = 'Martin\u0001\u0007 <!channel> [Vérifiez](https://evil.example)';
      const view = await t.service.core.reports.render(await t.service.core.reports.data(WEEK, 'driver'), translator('fr'), 'semaine', 'driver', WEEK);
      expect(block(view, 'table')).toBeDefined();
      expect(PNG.sync.read(block(view, 'image')!.png).width).toBeGreaterThan(0);
      expect(block(view, 'file')!.data.toString('utf8')).toContain('Martin');
    } finally {
      await t.stop();
    }
  });
});
