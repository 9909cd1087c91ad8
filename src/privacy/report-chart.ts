import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

// Loaded at the first chart, not at start: vega, vega-lite and resvg hold tens of megabytes.
let libraries: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile; Resvg: typeof import('@resvg/resvg-js').Resvg }> | undefined;
const chartLibraries = () =>
  (libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vegaLite, resvg]) => ({ vega, compile: vegaLite.compile, Resvg: resvg.Resvg })));

/*
 * The bar chart, drawn on the server: vega-lite to SVG, then resvg to PNG. resvg is given the
 * DejaVu font from npm, so labels render on a machine without system fonts.
 */
const FONT_DIR = path.dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONT_DIR, f));

export interface ChartBar {
  name: string;
  privateKm: number;
  professionalKm: number;
}

export interface ChartLabels {
  title: string;
  privateLabel: string;
  professionalLabel: string;
  axis: string;
}

export const MAX_CHART_BARS = 25;

export async function barChartPng(bars: ChartBar[], labels: ChartLabels): Promise<Buffer> {
  const { vega, compile, Resvg } = await chartLibraries();
  const values = bars.slice(0, MAX_CHART_BARS).flatMap((b) => [
    { name: b.name, kind: labels.privateLabel, km: round(b.privateKm) },
    { name: b.name, kind: labels.professionalLabel, km: round(b.professionalKm) },
  ]);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: labels.title,
    width: 560,
    height: { step: 18 },
    background: 'white',
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } },
      x: { field: 'km', type: 'quantitative', stack: 'zero', title: labels.axis },
      color: { field: 'kind', type: 'nominal', title: null, scale: { domain: [labels.privateLabel, labels.professionalLabel], range: ['#d9480f', '#1c7ed6'] }, legend: { orient: 'bottom' } },
    },
    config: { font: 'DejaVu Sans', view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 1.5 }, font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return Buffer.from(png);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
