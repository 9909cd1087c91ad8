import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

// Loaded at the first chart, not at start: vega, vega-lite and resvg hold tens of megabytes.
let libraries: Promise<{ vega: typeof import('vega'); compile: typeof import('vega-lite').compile; Resvg: typeof import('@resvg/resvg-js').Resvg }> | undefined;
const chartLibraries = () =>
  (libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vegaLite, resvg]) => ({
    vega,
    compile: vegaLite.compile,
    Resvg: resvg.Resvg,
  })));

import type { Locale } from '../../domain';

/*
 * The bar chart, drawn on the server: vega-lite to SVG, then resvg to PNG. resvg is given the
 * DejaVu font from npm, so labels render on a machine without system fonts.
 *
 * Teams shows an inline image up to 1024×1024 pixels and 1 MB: the chart is drawn to fit.
 */
const FONT_DIR = path.dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONT_DIR, f));

export const CHART_MAX_PIXELS = 1024;
export const CHART_MAX_BYTES = 1024 * 1024;
/**
 * Bars drawn at most: at 16 px a bar, never drawn smaller than its own size, the title, the
 * legend and 55 bars fit Teams' 1,024 pixels. Beyond, the view names the rows left out.
 */
export const MAX_CHART_BARS = 55;
/** Longest name drawn in full; a longer one keeps its start and its end (a plate, a surname). */
const NAME_CHARS = 40;

export interface ChartBar {
  name: string;
  privateKm: number;
  professionalKm: number;
}

export interface ChartLabels {
  title: string;
  /** Under the title, e.g. "25 of 27 shown, all in the CSV"; absent when every bar is drawn. */
  subtitle?: string;
  privateLabel: string;
  professionalLabel: string;
  axis: string;
  locale: Locale;
}

/* d3-format locales: the axis reads "1 200" in French and "1,200" in English. */
const NUMBER_LOCALES: Record<Locale, { decimal: string; thousands: string; grouping: number[]; currency: [string, string] }> = {
  fr: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0€'] },
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['€', ''] },
};

/** Text an SVG can carry: no control characters, no lone surrogates, spaces collapsed. */
function drawable(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\ud800-\udfff]/g, (c, i: number, s: string) => {
      const code = c.charCodeAt(0);
      const pair = code < 0xdc00 ? /[\udc00-\udfff]/.test(s[i + 1] ?? '') : /[\ud800-\udbff]/.test(s[i - 1] ?? '');
      return pair ? c : '\ufffd';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** A name as the chart draws it: drawable, at most NAME_CHARS characters. */
export function chartName(raw: string): string {
  const clean = drawable(raw);
  const chars = [...clean];
  if (chars.length <= NAME_CHARS) return clean || '?';
  const keep = NAME_CHARS - 1;
  return `${chars
    .slice(0, Math.ceil(keep / 2))
    .join('')
    .trimEnd()}…${chars
    .slice(-Math.floor(keep / 2))
    .join('')
    .trimStart()}`;
}

/** The chart as SVG: what the PNG is drawn from. */
export async function barChartSvg(bars: ChartBar[], labels: ChartLabels): Promise<string> {
  const shown = bars.slice(0, MAX_CHART_BARS);
  // Two bars may share a drawn name: the axis would merge them, so a number tells them apart.
  const seen = new Map<string, number>();
  const names = shown.map((b) => {
    const name = chartName(b.name);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name} (${n})` : name;
  });
  const values = shown.flatMap((b, i) => [
    { name: names[i], kind: labels.privateLabel, km: round(b.privateKm) },
    { name: names[i], kind: labels.professionalLabel, km: round(b.professionalKm) },
  ]);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: drawable(labels.title), ...(labels.subtitle ? { subtitle: drawable(labels.subtitle) } : {}), anchor: 'start' },
    width: 380,
    height: { step: 16 },
    background: 'white',
    padding: 8,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } },
      x: { field: 'km', type: 'quantitative', stack: 'zero', title: labels.axis, axis: { format: ',~r' } },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: [labels.privateLabel, labels.professionalLabel], range: ['#d9480f', '#1c7ed6'] },
        legend: { orient: 'bottom' },
      },
    },
    config: { font: 'DejaVu Sans', view: { stroke: null }, locale: { number: NUMBER_LOCALES[labels.locale] } },
  };
  const { vega, compile } = await chartLibraries();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function barChartPng(bars: ChartBar[], labels: ChartLabels): Promise<Buffer> {
  const svg = await barChartSvg(bars, labels);
  const { Resvg } = await chartLibraries();
  const [width, height] = svgSize(svg);
  // Sharp on high-density screens, yet within Teams' limits: 1.5× unless that goes over.
  const zoom = Math.min(1.5, Math.floor((CHART_MAX_PIXELS / width) * 100) / 100, Math.floor((CHART_MAX_PIXELS / height) * 100) / 100);
  const png = Buffer.from(
    new Resvg(svg, { fitTo: { mode: 'zoom', value: zoom }, font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } })
      .render()
      .asPng(),
  );
  if (png.length > CHART_MAX_BYTES) throw new Error(`chart of ${png.length} bytes is over Teams' 1 MB`);
  return png;
}

function svgSize(svg: string): [number, number] {
  const match = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!match) throw new Error('the chart has no size');
  return [Number(match[1]), Number(match[2])];
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
