import { translator } from '../src/i18n';
import { AnalysisResponse } from '../src/ocean/schemas';
import { ReportService } from '../src/privacy/report/reports';
import { readAnalysis } from '../src/privacy/report/rows';
import { yearlyBench } from './report-yearly';
import { line, now, runBench, withPeakRss } from './support';

/**
 * An analysis answer for 5,000 drivers, as Ocean would send it: time and peak memory to parse,
 * validate, aggregate and render the table, the chart and the CSV. Target: < 1.5 s, < 300 MB.
 */
function answer(drivers: number): string {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < drivers; i += 1) {
    const priv = (i * 7919) % 400_000;
    const pro = 200_000 + ((i * 104729) % 1_800_000);
    nodes[String(1110000000 + i)] = {
      consoL: pro / 15_000,
      consoKWh: i % 5 === 0 ? pro / 6000 : 0,
      cost: (priv + pro) / 8000,
      dayDate: null,
      total: {
        distanceInMeterByPeriodMap: { VIE_PRIVEE: priv, PROFESSIONNEL: pro },
        distanceElectriqueInMeterByPeriodMap: { VIE_PRIVEE: 0, PROFESSIONNEL: 0 },
        durationInSecByPeriodMap: { VIE_PRIVEE: priv / 12, PROFESSIONNEL: pro / 14 },
        utilisationBatterieByPeriodMap: {},
      },
      driver: {
        individu: {
          id: 1110000000 + i,
          nomInd: `Nom${i}`,
          prenomInd: `Prénom${i}`,
          email: null,
          gsm: null,
          matriculeInd: `M${i}`,
          initialesInd: null,
          suppressionLogique: false,
          idCivilite: 1,
        },
        isRelevant: true,
        isIdentEnabled: false,
      },
      vehicle: { id: 5000 + i, description: 'Renault Clio', typeMotorisation: 'MONO', privacyEnabled: true, geolocalise: true, suppressionLogique: false },
      entity: { id: 1, nom: 'Transports', suppressionLogique: false },
    };
  }
  return JSON.stringify([
    {
      mode: 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS',
      synthesisTreeByDriver: { nodes, entityTotalCumul: null, entityTotalByFlagCumul: {}, entity: null, content: null },
      synthesisTreeByVehicle: null,
      htmlTable: '<table></table>',
      bean: {},
    },
  ]);
}

const OCTOBER = { first: '2026-10-01', last: '2026-10-31', kind: 'month' } as const;

async function main(): Promise<void> {
  const drivers = 5000;
  const body = answer(drivers);
  const t = translator('fr');
  const service = new ReportService({ ocean: null as never, directory: null as never, store: null as never, zone: 'Europe/Paris' });
  // Warm-up on a small answer (JIT, fonts loaded by resvg once).
  await service.render(
    readAnalysis(AnalysisResponse.parse(JSON.parse(answer(50))), { by: 'driver', drivers: new Map(), vehicles: new Map() }),
    t,
    'octobre 2026',
    'driver',
    OCTOBER,
  );
  global.gc?.();
  const before = process.memoryUsage().rss;
  const timings: Record<string, number> = {};
  const { peakMb, result: view } = await withPeakRss(async () => {
    let mark = now();
    const step = (name: string) => {
      const at = now();
      timings[name] = at - mark;
      mark = at;
    };
    const json = JSON.parse(body) as unknown;
    step('parse JSON');
    const results = AnalysisResponse.parse(json);
    step('validate the envelope (zod)');
    const data = readAnalysis(results, { by: 'driver', drivers: new Map(), vehicles: new Map() });
    step('validate 5,000 nodes (zod) and aggregate rows');
    const rendered = await service.render(data, t, 'octobre 2026', 'driver', OCTOBER);
    step('render table, chart and CSV');
    return rendered;
  });
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  line('answer size', `${(body.length / 1024 / 1024).toFixed(1)} MB, ${drivers} drivers`);
  for (const [name, ms] of Object.entries(timings)) line(`  ${name}`, `${ms.toFixed(0)} ms`);
  line('total', `${total.toFixed(0)} ms`, '< 1,500 ms', total < 1500);
  line(
    'peak RSS',
    `${peakMb.toFixed(0)} MB (${((peakMb * 1024 * 1024 - before) / 1024 / 1024).toFixed(0)} MB above the idle process)`,
    '< 300 MB',
    peakMb < 300,
  );
  const csv = view.blocks.find((b) => b.type === 'file');
  line('CSV', csv && csv.type === 'file' ? `${(csv.data.length / 1024).toFixed(0)} KB, ${drivers + 2} lines` : 'missing');
  await yearlyBench();
}

runBench(main);
