import type { Translator } from '../i18n';
import type { Log } from '../log';
import type { OceanClient } from '../ocean';
import type { CallContext } from '../ocean/client';
import type { Store } from '../store';
import type { Block, View } from '../views/views';
import { BenefitInKind } from './benefit-in-kind';
import { benefitView } from './benefit-view';
import type { Driver, DriverVehicle, OceanDirectory } from './directory';
import type { Actor } from './people';
import type { Period } from './periods';
import { AnalysisPeriods, type AnalysisQuery } from './report-analysis';
import { barChartPng, MAX_CHART_BARS } from './report-chart';
import { reportCsv } from './report-csv';
import { euros } from './report-format';
import { mergeReports, privateShare, type ReadOptions, type ReportData, readAnalysis, splitSources } from './report-rows';

export interface ReportDeps {
  ocean: OceanClient;
  directory: OceanDirectory;
  store: Store;
  zone: string;
  logger?: Log;
  /** Draws the chart (the real one unless a test brings a renderer that fails). */
  chart?: typeof barChartPng;
}

/** Rows shown in the chat; the CSV has them all. */
export const TABLE_ROWS = 10;

/**
 * The manager report: Ocean's private-use analysis for a period, by driver or by vehicle, as a
 * compact table, a bar chart and the full CSV, with cost, fuel and energy split between private
 * and professional use. A year by vehicle is the benefit in kind (see benefit-in-kind.ts).
 * Totals only: no place, no trip, no time of day.
 */
export class ReportService {
  private readonly unknownKeys = new Set<string>();
  private readonly periods: AnalysisPeriods;
  private readonly benefit: BenefitInKind;

  constructor(private readonly deps: ReportDeps) {
    this.periods = new AnalysisPeriods(deps.ocean, deps.zone, deps.logger);
    this.benefit = new BenefitInKind({ reports: this, directory: deps.directory });
  }

  periodLabel(period: Period, t: Translator): string {
    if (period.kind === 'month') return t.month(period.first);
    if (period.kind === 'day') return t.shortDay(period.first, this.deps.zone);
    const f = (day: string) => day.split('-').reverse().join('/');
    if (period.kind === 'year')
      return period.last.endsWith('-12-31') ? period.first.slice(0, 4) : t.t('report.yearToDate', { year: period.first.slice(0, 4), day: f(period.last) });
    return `${f(period.first)} – ${f(period.last)}`;
  }

  /** The drivers and vehicles that name the analysis's rows (Ocean's directory, cached). */
  async readOptions(by: 'driver' | 'vehicle'): Promise<ReadOptions> {
    const drivers = await this.deps.directory.all().catch(() => [] as Driver[]);
    const vehicles = new Map<number, DriverVehicle>();
    for (const d of drivers) for (const v of d.vehicles) vehicles.set(v.id, v);
    return {
      by,
      drivers: new Map(drivers.map((d) => [d.individuId, d])),
      vehicles,
      onUnknownKey: (map, key) => {
        const name = `${map}.${key}`;
        if (this.unknownKeys.has(name)) return;
        this.unknownKeys.add(name);
        this.deps.logger?.warn({ map, key }, 'unknown key in an Ocean period map: kept as its own column');
      },
    };
  }

  /** The period's rows, by driver or by vehicle (`filter`: some vehicles only), however many analyses Ocean needs for it. */
  async data(
    period: Period,
    by: 'driver' | 'vehicle',
    context: CallContext = {},
    filter?: AnalysisQuery['filter'],
    options?: ReadOptions,
  ): Promise<ReportData> {
    const renderMode = by === 'driver' ? 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS' : 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS';
    const [pieces, read] = await Promise.all([
      this.periods.fetch({ first: period.first, last: period.last, renderMode, filter }, context),
      options ?? this.readOptions(by),
    ]);
    return mergeReports(pieces.map((results) => readAnalysis(results, read)));
  }

  async report(actor: Actor, period: Period, by: 'driver' | 'vehicle'): Promise<View> {
    const t = actor.t;
    const label = this.periodLabel(period, t);
    if (period.kind === 'year' && by === 'vehicle') {
      const benefit = await this.benefit.of(period, actor);
      await this.deps.store.auditLog.add(actor.ref, 'report', null, {
        first: period.first,
        last: period.last,
        by,
        benefitInKind: true,
        rows: benefit.vehicles.length,
      });
      return benefitView(benefit, t, label, (rows) => this.chart(rows, t, label, 'vehicle'));
    }
    const data = await this.data(period, by, actor);
    await this.deps.store.auditLog.add(actor.ref, 'report', null, { first: period.first, last: period.last, by, rows: data.rows.length });
    return this.render(data, t, label, by);
  }

  async render(data: ReportData, t: Translator, label: string, by: 'driver' | 'vehicle'): Promise<View> {
    const title = `${t.t('report.title', { period: label })} (${t.t(by === 'driver' ? 'report.byDriver' : 'report.byVehicle')})`;
    if (!data.rows.length) return { summary: title, title, blocks: [{ type: 'text', text: t.t('report.empty', { period: label }) }] };
    const c = (key: string) => t.t(`report.columns.${key}`);
    const sorted = [...data.rows].sort((a, b) => privateShare(b) - privateShare(a) || b.privateMeters - a.privateMeters || a.name.localeCompare(b.name));
    const totals = data.totals;
    const blocks: Block[] = [
      {
        type: 'fields',
        fields: [
          { label: c('privateKm'), value: t.number(totals.privateMeters / 1000) },
          { label: c('professionalKm'), value: t.number(totals.professionalMeters / 1000) },
          { label: c('privateShare'), value: t.number(privateShare(totals)) },
          { label: c('costEur'), value: euros(totals.cost, t) },
          { label: c('privateProfessionalCost'), value: `${euros(totals.privateCost, t)} / ${euros(totals.professionalCost, t)}` },
          { label: c('fuel'), value: t.number(totals.fuelL) },
          { label: c('privateProfessionalFuel'), value: `${t.number(totals.privateFuelL)} / ${t.number(totals.professionalFuelL)}` },
          { label: c('energy'), value: t.number(totals.energyKWh) },
          { label: c('privateProfessionalEnergy'), value: `${t.number(totals.privateEnergyKWh)} / ${t.number(totals.professionalEnergyKWh)}` },
        ],
      },
      { type: 'text', text: t.t(`report.split.${splitSources(data)}`), tone: 'muted' },
      { type: 'heading', text: t.t('report.topTitle') },
      {
        type: 'table',
        columns: [
          { label: c('name') },
          { label: c('privateKm'), align: 'right' },
          { label: c('professionalKm'), align: 'right' },
          { label: c('privateShare'), align: 'right' },
        ],
        rows: sorted
          .slice(0, TABLE_ROWS)
          .map((r) => [r.name, t.number(r.privateMeters / 1000), t.number(r.professionalMeters / 1000), t.number(privateShare(r))]),
        footer: [t.t('report.totals'), t.number(totals.privateMeters / 1000), t.number(totals.professionalMeters / 1000), t.number(privateShare(totals))],
      },
    ];
    if (sorted.length > TABLE_ROWS) blocks.push({ type: 'text', text: t.t('report.rest', { count: sorted.length - TABLE_ROWS }), tone: 'muted' });
    blocks.push(...(await this.chart(sorted, t, label, by)));
    blocks.push({ type: 'file', name: `privacy-report-${by}.csv`, mime: 'text/csv', data: reportCsv(data, t), title: t.t('report.csvTitle') });
    return { summary: title, title, blocks };
  }

  /** The chart, or a line saying it could not be drawn: the table and the CSV never depend on it. */
  async chart(sorted: ReportData['rows'], t: Translator, label: string, by: 'driver' | 'vehicle'): Promise<Block[]> {
    const shown = Math.min(sorted.length, MAX_CHART_BARS);
    const subtitle = shown < sorted.length ? t.t('report.chartShown', { shown, total: sorted.length }) : undefined;
    try {
      const png = await (this.deps.chart ?? barChartPng)(
        sorted.map((r) => ({ name: r.name, privateKm: r.privateMeters / 1000, professionalKm: r.professionalMeters / 1000 })),
        { title: label, subtitle, privateLabel: t.t('common.private'), professionalLabel: t.t('common.professional'), axis: 'km', locale: t.locale },
      );
      const alt = t.t('report.chartAlt', { by: t.t(by === 'driver' ? 'report.driver' : 'report.vehicle') });
      return [{ type: 'image', png, alt: subtitle ? `${alt} (${subtitle})` : alt, name: `privacy-report-${by}.png` }];
    } catch (error) {
      this.deps.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'report chart not drawn');
      return [{ type: 'text', text: t.t('report.chartUnavailable'), tone: 'muted' }];
    }
  }
}
