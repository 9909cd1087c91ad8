import { parse } from 'csv-parse/sync';
import { translator } from '../../src/i18n';
import { AnalysisResponse } from '../../src/ocean/schemas';
import { benefitCsv, benefitView } from '../../src/privacy/report/benefit-view';
import { PeriodKeys } from '../../src/privacy/report/keys';
import type { Period } from '../../src/privacy/report/periods';
import { ReportService } from '../../src/privacy/report/reports';
import { prorate, type ReportData, readAnalysis, sumRows } from '../../src/privacy/report/rows';
import type { Block, View } from '../../src/views/views';
import { plain } from '../support/text';

/*
 * Ocean does not document the keys of its analysis' period maps. Distance under a key read as
 * professional by guess gives a share that says it comes from a guess; distance under a key read
 * as neither gives no share at all, and every view names the key to map.
 */

const YEAR: Period = { first: '2026-01-01', last: '2026-12-31', kind: 'year' };
const MONTH: Period = { first: '2026-11-01', last: '2026-11-30', kind: 'month' };

/** One vehicle's year: 58 km private, 2 012 km under `proKey`. */
function analysis(proKey: string): unknown {
  return [
    {
      synthesisTreeByVehicle: {
        nodes: {
          '7': {
            cost: 248.4,
            consoL: 134.55,
            consoKWh: 0,
            vehicle: { id: 7, description: 'AB-123-CD' },
            total: { distanceInMeterByPeriodMap: { VIE_PRIVEE: 58000, [proKey]: 2012000 }, durationInSecByPeriodMap: { VIE_PRIVEE: 3600, [proKey]: 90000 } },
          },
        },
      },
    },
  ];
}

const service = new ReportService({
  ocean: null as never,
  directory: null as never,
  store: null as never,
  zone: 'Europe/Paris',
  chart: async () => [] as never,
});

function read(proKey: string, keys?: PeriodKeys): ReportData {
  return readAnalysis(AnalysisResponse.parse(analysis(proKey)), { by: 'vehicle', drivers: new Map(), vehicles: new Map(), keys });
}

function texts(view: View): string[] {
  return view.blocks.filter((b): b is Extract<Block, { type: 'text' }> => b.type === 'text').map((b) => plain(b.text));
}

function csv(view: View): string[][] {
  const file = view.blocks.find((b): b is Extract<Block, { type: 'file' }> => b.type === 'file')!;
  return parse(file.data, { delimiter: ';', bom: true }) as string[][];
}

function benefitOf(data: ReportData) {
  const vehicles = data.rows.map((row) => ({ vehicle: prorate({ ...row }), drivers: [] }));
  return { vehicles, totals: sumRows(vehicles.map((v) => v.vehicle)), extraColumns: data.extraColumns, keysUsed: data.keysUsed };
}

it('reads VIE_PROFESSIONNELLE as professional: 58 km of 2 070 is a 2,8 % share, in the message and the CSV, and says the keys were guessed', async () => {
  const t = translator('fr');
  const data = read('VIE_PROFESSIONNELLE');
  const view = await service.render(data, t, 'novembre 2026', 'vehicle', MONTH);
  const table = view.blocks.find((b): b is Extract<Block, { type: 'table' }> => b.type === 'table')!;
  expect(table.rows[0]!.slice(1)).toEqual(['58', '2\u202f012', '2,8']);
  const [header, row] = csv(view);
  expect(row!.slice(0, 4)).toEqual(['AB-123-CD', '58,0', '2012,0', '2,8']);
  expect(header).not.toContain('Non classé (km)');
  expect(texts(view).join('\n')).toContain('lues par supposition : VIE_PRIVEE = privé, VIE_PROFESSIONNELLE = professionnel');
  // The benefit in kind: the same share, its private fuel the vehicle's fuel times that share.
  const benefit = await benefitView(benefitOf(data), t, '2026', YEAR, async () => []);
  const [, vehicle] = parse(benefitCsv(benefitOf(data), t), { delimiter: ';', bom: true }) as string[][];
  expect(vehicle!.slice(0, 7)).toEqual(['Véhicule', 'AB-123-CD', 'Tous les conducteurs', '58,0', '2070,0', '2,8', '248,40']);
  expect(vehicle![9]).toBe('3,8'); // 134,6 L × 58 / 2 070
  expect(texts(benefit).join('\n')).toContain('VIE_PROFESSIONNELLE = professionnel');
});

it('distance under a key nobody maps gives no share anywhere, and every view names the key', async () => {
  for (const locale of ['fr', 'en'] as const) {
    const t = translator(locale);
    const data = read('HORS_VIE_PRIVEE');
    expect(data.rows[0]).toMatchObject({ privateMeters: 58000, professionalMeters: 0, unclassifiedMeters: 2012000, splitFrom: 'none' });
    const view = await service.render(data, t, 'novembre 2026', 'vehicle', MONTH);
    const line =
      locale === 'fr' ? '2 012 km non classés par la réponse d’Ocean : clé HORS_VIE_PRIVEE' : "2,012 km not classified by Ocean's answer: key HORS_VIE_PRIVEE";
    expect(texts(view).filter((text) => text.includes(line))).toHaveLength(1);
    const table = view.blocks.find((b): b is Extract<Block, { type: 'table' }> => b.type === 'table')!;
    expect(table.rows[0]![3]).toBe('—');
    expect(table.footer![3]).toBe('—');
    const fields = view.blocks.find((b): b is Extract<Block, { type: 'fields' }> => b.type === 'fields')!.fields;
    expect(fields.find((f) => f.label.startsWith(locale === 'fr' ? 'Coût privé / pro' : 'Private / pro cost'))!.value).toBe('—');
    const [header, row, total] = csv(view);
    const col = (name: string) => header!.indexOf(name);
    const share = locale === 'fr' ? 'Part privée (%)' : 'Private share (%)';
    expect(row![col(share)]).toBe('');
    expect(total![col(share)]).toBe('');
    expect(row![col(locale === 'fr' ? 'Non classé (km)' : 'Unclassified (km)')]).toBe(locale === 'fr' ? '2012,0' : '2012.0');
    expect(row![col(locale === 'fr' ? 'Coût privé (€)' : 'Private cost (€)')]).toBe('');
    // The benefit in kind prints no share: it names the key to map instead.
    const benefit = await benefitView(benefitOf(data), t, '2026', YEAR, async () => []);
    expect(texts(benefit).filter((text) => text.includes(line) && text.includes('OCEAN_PROFESSIONAL_KEYS'))).toHaveLength(1);
    const benefitTable = benefit.blocks.find((b): b is Extract<Block, { type: 'table' }> => b.type === 'table')!;
    expect(benefitTable.rows[0]!.slice(3)).toEqual(['—', '—']);
    const [, vehicle] = parse(benefitCsv(benefitOf(data), t), { delimiter: ';', bom: true }) as string[][];
    expect(vehicle![6]).toBe(''); // the share
  }
});

it("a key the operator maps is read as they say, and is not called a guess; a guessed key on the operator's side is no longer read", async () => {
  const keys = new PeriodKeys({ professionalKeys: ['hors_vie_privee'] });
  const data = read('HORS_VIE_PRIVEE', keys);
  expect(data.rows[0]).toMatchObject({ privateMeters: 58000, professionalMeters: 2012000, unclassifiedMeters: 0, splitFrom: 'distance' });
  const view = await service.render(data, translator('fr'), 'novembre 2026', 'vehicle', MONTH);
  const notes = texts(view).join('\n');
  expect(notes).toContain('lues par supposition : VIE_PRIVEE = privé.');
  expect(notes).not.toContain('HORS_VIE_PRIVEE');
  // PROFESSIONNEL was a guess of the professional side, which the operator now sets.
  expect(read('PROFESSIONNEL', keys).rows[0]).toMatchObject({ professionalMeters: 0, unclassifiedMeters: 2012000 });
});
