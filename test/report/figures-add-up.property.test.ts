import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { toBlocks } from '../../adapters/slack/blocks';
import { toCard } from '../../adapters/teams/cards';
import { translator } from '../../src/i18n';
import { AnalysisResponse } from '../../src/ocean/schemas';
import type { Benefit } from '../../src/privacy/report/benefit-in-kind';
import { benefitCsv, benefitView } from '../../src/privacy/report/benefit-view';
import type { ChartBar } from '../../src/privacy/report/chart';
import { PeriodKeys } from '../../src/privacy/report/keys';
import type { Period } from '../../src/privacy/report/periods';
import { ReportService } from '../../src/privacy/report/reports';
import { mergeReports, prorate, type ReportData, readAnalysis, readPiece, sumRows } from '../../src/privacy/report/rows';
import type { Block, View } from '../../src/views/views';

/*
 * Promise 8: figures add up. Over random fleets (drivers with and without fuel, electric cars,
 * zero-km drivers, Ocean's own split or none, unknown keys, periods asked in pieces), every
 * renderer's Total is the sum of its rows, and the screen, the CSV and the chart show the same
 * numbers.
 */

const PERIOD: Period = { first: '2026-11-01', last: '2026-11-30', kind: 'month' };

interface FleetRow {
  privateM: number;
  proM: number;
  unknownM: number;
  privateS: number;
  proS: number;
  km: number;
  electric: boolean;
  noFuel: boolean;
  flags: boolean;
}

const fleetRow = fc.record({
  privateM: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3_000_000, noNaN: true })),
  proM: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5_000_000, noNaN: true })),
  unknownM: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.double({ min: 1, max: 500_000, noNaN: true }) }),
  privateS: fc.double({ min: 0, max: 400_000, noNaN: true }),
  proS: fc.double({ min: 0, max: 900_000, noNaN: true }),
  km: fc.double({ min: 0, max: 8000, noNaN: true }),
  electric: fc.boolean(),
  noFuel: fc.boolean(),
  flags: fc.boolean(),
});

/** An analysis as Ocean answers it: a node per driver, each a total with its period maps or, perhaps, Ocean's split by flag. */
function answer(rows: FleetRow[], proKey: string, offset: number): unknown {
  const nodes: Record<string, unknown> = {};
  rows.forEach((r, i) => {
    const distance: Record<string, number> = { VIE_PRIVEE: r.privateM, [proKey]: r.proM };
    if (r.unknownM) distance.HORS_FORFAIT = r.unknownM;
    const fuel = r.electric || r.noFuel ? 0 : r.km * 0.0653;
    const kwh = r.electric ? r.km * 0.171 : 0;
    const cost = r.km * 0.1234;
    const total = {
      consoL: fuel,
      consoKWh: kwh,
      cost,
      driver: { individu: { id: 100 + i, nomInd: `Nom${i}`, prenomInd: `Prénom${(i * 7 + offset) % 13}` } },
      total: {
        distanceInMeterByPeriodMap: distance,
        durationInSecByPeriodMap: { VIE_PRIVEE: r.privateS, [proKey]: r.proS },
        distanceElectriqueInMeterByPeriodMap: {},
        utilisationBatterieByPeriodMap: {},
      },
    };
    if (!r.flags || r.unknownM) {
      nodes[String(100 + i)] = total;
      return;
    }
    // Ocean's own split of this driver's use, by flag, its maps keyed by day (the simulator's 'flags' mode).
    const share = r.privateM + r.proM > 0 ? r.privateM / (r.privateM + r.proM) : 0;
    const part = (k: number, meters: number, seconds: number) => ({
      cost: cost * k,
      consoL: fuel * k,
      consoKWh: kwh * k,
      total: { distanceInMeterByPeriodMap: { '2026-11-02': meters }, durationInSecByPeriodMap: { '2026-11-02': seconds } },
    });
    nodes[String(100 + i)] = {
      nodes: {},
      entityTotalCumul: total,
      entityTotalByFlagCumul: { VIE_PRIVEE: part(share, r.privateM, r.privateS), [proKey]: part(1 - share, r.proM, r.proS) },
    };
  });
  // Ocean's fleet total: deliberately not the sum of the rows, the report must not show it.
  return [
    { synthesisTreeByDriver: { nodes, entityTotalCumul: { cost: 1, consoL: 1, consoKWh: 1, total: { distanceInMeterByPeriodMap: { VIE_PRIVEE: 1 } } } } },
  ];
}

const reads = { by: 'driver' as const, drivers: new Map(), vehicles: new Map() };

/** A number as printed on screen or in the CSV, in units of its last digit (so sums are exact). */
function units(text: string, digits: number): number {
  const clean = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  return Math.round(Number(clean) * 10 ** digits);
}

const DIGITS_OF_COLUMN: Record<string, number> = {
  'Privé (km)': 1,
  'Pro (km)': 1,
  'Non classé (km)': 1,
  'Durée privée (h)': 2,
  'Durée pro (h)': 2,
  'Coût (€)': 2,
  'Carburant (L)': 1,
  'Électricité (kWh)': 1,
  'Coût privé (€)': 2,
  'Coût pro (€)': 2,
  'Carburant privé (L)': 1,
  'Carburant pro (L)': 1,
  'Électricité privée (kWh)': 1,
  'Électricité pro (kWh)': 1,
};

function block<T extends Block['type']>(view: View, type: T): Extract<Block, { type: T }> | undefined {
  return view.blocks.find((b): b is Extract<Block, { type: T }> => b.type === type);
}

/** Every summed column of a CSV: its Total is the sum of its rows, or empty when a row's is. */
function expectColumnsAddUp(header: string[], rows: string[][], totals: string[], digitsOf: (column: string) => number | undefined): void {
  header.forEach((column, i) => {
    const digits = digitsOf(column);
    if (digits === undefined) return;
    const cells = rows.map((r) => r[i] ?? '');
    if (cells.some((c) => c === '')) {
      expect(totals[i]).toBe('');
      return;
    }
    const sum = cells.reduce((s, c) => s + units(c, digits), 0);
    expect({ column, total: units(totals[i] ?? '', digits) }).toEqual({ column, total: sum });
  });
}

it('in every renderer, the Total is the sum of the rows, and screen, CSV and chart show the same numbers', async () => {
  const t = translator('fr');
  await fc.assert(
    fc.asyncProperty(
      fc.array(fleetRow, { minLength: 1, maxLength: 30 }),
      fc.array(fleetRow, { minLength: 0, maxLength: 30 }),
      fc.constantFrom('PROFESSIONNEL', 'VIE_PROFESSIONNELLE', 'TRAVAIL_OCEAN'),
      async (first, second, proKey) => {
        const keys = new PeriodKeys(proKey === 'TRAVAIL_OCEAN' ? { professionalKeys: ['TRAVAIL_OCEAN'] } : {});
        const read = (rows: FleetRow[]) => readPiece(AnalysisResponse.parse(answer(rows, proKey, 0)), { ...reads, keys });
        // A period Ocean answers in two pieces: the same drivers, and some more.
        const data: ReportData = mergeReports(second.length ? [read(first), read(second)] : [read(first)]);
        const drawn: ChartBar[][] = [];
        const service = new ReportService({
          ocean: null as never,
          directory: null as never,
          store: null as never,
          zone: 'Europe/Paris',
          chart: async (bars) => {
            drawn.push(bars);
            return Buffer.from('png');
          },
        });
        const view = await service.render(data, t, 'novembre 2026', 'driver', PERIOD);

        // The CSV: rows in the screen's order, each column's Total the sum of its rows.
        const [header, ...body] = parse(block(view, 'file')!.data, { delimiter: ';', bom: true }) as string[][];
        const totals = body.pop()!;
        expect(totals[0]).toBe('Total');
        expectColumnsAddUp(header!, body, totals, (c) => DIGITS_OF_COLUMN[c] ?? (c.includes('ByPeriodMap.') ? 0 : undefined));
        // Each row's private and professional parts add up to its whole, to the last digit.
        const col = (name: string) => header!.indexOf(name);
        for (const row of body)
          for (const [whole, part, rest, digits] of [
            ['Coût (€)', 'Coût privé (€)', 'Coût pro (€)', 2],
            ['Carburant (L)', 'Carburant privé (L)', 'Carburant pro (L)', 1],
            ['Électricité (kWh)', 'Électricité privée (kWh)', 'Électricité pro (kWh)', 1],
          ] as const) {
            if (row[col(part)] === '') continue;
            if (row[col('Répartition (coût, carburant, électricité)')] !== 'Ocean')
              expect(units(row[col(part)]!, digits) + units(row[col(rest)]!, digits)).toBe(units(row[col(whole)]!, digits));
            // No private kilometre: no private fuel, no private electricity, whatever the fleet does.
            if (units(row[col('Privé (km)')]!, 1) === 0 && row[col('Répartition (coût, carburant, électricité)')] !== 'Ocean')
              expect(units(row[col(part)]!, digits)).toBe(0);
          }
        // The share of the Total comes from the summed kilometres.
        const share = col('Part privée (%)');
        const [p, q] = [units(totals[1]!, 1), units(totals[2]!, 1)];
        if (totals[share] !== '') expect(totals[share]).toBe(p + q > 0 ? ((100 * p) / (p + q)).toFixed(1).replace('.', ',') : '0,0');
        else expect(body.some((r) => r[share] === '')).toBe(true);

        // The screen: the fields and the table's footer say what the CSV's Total says; its rows are the CSV's first rows.
        const fields = Object.fromEntries(block(view, 'fields')!.fields.map((f) => [f.label, f.value]));
        expect(units(fields['Privé (km)']!, 1)).toBe(p);
        expect(units(fields['Pro (km)']!, 1)).toBe(q);
        expect(units(fields['Coût (€)']!, 2)).toBe(units(totals[col('Coût (€)')]!, 2));
        expect(units(fields['Carburant (L)']!, 1)).toBe(units(totals[col('Carburant (L)')]!, 1));
        expect(units(fields['Électricité (kWh)']!, 1)).toBe(units(totals[col('Électricité (kWh)')]!, 1));
        if (totals[col('Coût privé (€)')] !== '') {
          const [privateCost, proCost] = fields['Coût privé / pro']!.split(' / ');
          expect(units(privateCost!, 2)).toBe(units(totals[col('Coût privé (€)')]!, 2));
          expect(units(proCost!, 2)).toBe(units(totals[col('Coût pro (€)')]!, 2));
          const [privateFuel] = fields['Carburant privé / pro (L)']!.split(' / ');
          expect(units(privateFuel!, 1)).toBe(units(totals[col('Carburant privé (L)')]!, 1));
        } else expect(fields['Coût privé / pro']).toBe('—');
        const table = block(view, 'table')!;
        table.rows.forEach((row, i) => {
          const csv = body[i]!;
          expect(row[0]).toBe(csv[0]);
          expect(units(row[1]!, 1)).toBe(units(csv[1]!, 1));
          expect(units(row[2]!, 1)).toBe(units(csv[2]!, 1));
          expect(row[3] === '—' ? '' : units(row[3]!, 1)).toBe(csv[share] === '' ? '' : units(csv[share]!, 1));
        });
        expect(units(table.footer![1]!, 1)).toBe(p);
        expect(units(table.footer![2]!, 1)).toBe(q);

        // The chart: the same rows, in the same order, with the same kilometres.
        expect(drawn[0]!.map((b) => [b.name, Math.round(b.privateKm * 10), Math.round(b.professionalKm * 10)])).toEqual(
          body.slice(0, drawn[0]!.length).map((r) => [r[0], units(r[1]!, 1), units(r[2]!, 1)]),
        );

        // Slack and Teams print the screen's figures as they are.
        const slack = JSON.stringify(toBlocks(view));
        const teams = JSON.stringify(toCard(view));
        for (const figure of [fields['Privé (km)']!, fields['Coût (€)']!, table.footer![1]!]) {
          expect(slack).toContain(JSON.stringify(figure).slice(1, -1));
          expect(teams).toContain(JSON.stringify(figure).slice(1, -1));
        }
      },
    ),
    { numRuns: 80 },
  );
});

it("in the benefit in kind, the vehicles' lines add up to the Total, and a driver's parts are marked as such", async () => {
  const t = translator('fr');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fleetRow, fc.array(fleetRow, { maxLength: 3 })), { minLength: 1, maxLength: 12 }), async (fleet) => {
      const vehicles = fleet.map(([vehicle, drivers], i) => {
        const row = (r: FleetRow, j: number) => readAnalysis(AnalysisResponse.parse(answer([r], 'PROFESSIONNEL', j)), reads).rows[0]!;
        return {
          vehicle: prorate({ ...row(vehicle, i), id: String(i), name: `AB-${100 + i}-CD` }),
          drivers: drivers.map((d, j) => prorate({ ...row(d, j), id: `${i}-${j}`, name: `Conducteur ${i}-${j}` })),
        };
      });
      const benefit: Benefit = { vehicles, totals: sumRows(vehicles.map((v) => v.vehicle)), extraColumns: [], keysUsed: [] };
      const [header, ...body] = parse(benefitCsv(benefit, t), { delimiter: ';', bom: true }) as string[][];
      const totals = body.pop()!;
      expect(totals[0]).toBe('Total');
      expect(new Set(body.map((r) => r[0]))).toEqual(new Set(['Véhicule', ...(body.some((r) => r[0] !== 'Véhicule') ? ['Part d’un conducteur'] : [])]));
      const vehicleLines = body.filter((r) => r[0] === 'Véhicule');
      expect(vehicleLines).toHaveLength(vehicles.length);
      const digits = (c: string) =>
        c.startsWith('Privé (km)') || c.startsWith('Total (km)') || c.startsWith('Non classé')
          ? 1
          : c.startsWith('Coût')
            ? 2
            : c.startsWith('Carburant') || c.startsWith('Électricité')
              ? 1
              : undefined;
      expectColumnsAddUp(header!, vehicleLines, totals, digits);
      const view = await benefitView(benefit, t, '2026', { first: '2026-01-01', last: '2026-12-31', kind: 'year' }, async () => []);
      const fields = Object.fromEntries(block(view, 'fields')!.fields.map((f) => [f.label, f.value]));
      expect(units(fields['Privé (km)']!, 1)).toBe(units(totals[3]!, 1));
      expect(units(fields['Total (km)']!, 1)).toBe(units(totals[4]!, 1));
      expect(block(view, 'file')!.name).toBe('avantage-en-nature-2026-par-vehicule.csv');
    }),
    { numRuns: 80 },
  );
});
