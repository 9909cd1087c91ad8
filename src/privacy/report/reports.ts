import type { Translator } from '../../i18n';
import type { Log } from '../../log';
import type { OceanClient } from '../../ocean';
import type { CallContext } from '../../ocean/client';
import type { Store } from '../../store';
import type { Block, View } from '../../views/views';
import type { Driver, DriverVehicle, OceanDirectory } from '../directory';
import type { Actor } from '../people';
import type { Scope } from '../scope';
import { AnalysisPeriods, type AnalysisQuery } from './analysis';
import { BenefitInKind } from './benefit-in-kind';
import { benefitView } from './benefit-view';
import { barChartPng, MAX_CHART_BARS } from './chart';
import { reportCsv } from './csv';
import { keyNotes, reportFileName, screenFigures } from './format';
import type { PeriodKeys } from './keys';
import type { Period } from './periods';
import { mergeReports, type ReadOptions, type ReportData, readPiece, splitSources } from './rows';

export interface ReportDeps {
  ocean: OceanClient;
  directory: OceanDirectory;
  store: Store;
  zone: string;
  logger?: Log;
  /** How the analysis' undocumented keys are read (OCEAN_PRIVATE_KEYS, OCEAN_PROFESSIONAL_KEYS); the built-in guesses when absent. */
  keys?: PeriodKeys;
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
  private totalMismatchTold = false;
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
      keys: this.deps.keys,
      onUnknownKey: (map, key) => {
        const name = `${map}.${key}`;
        if (this.unknownKeys.has(name)) return;
        this.unknownKeys.add(name);
        this.deps.logger?.warn(
          { map, key },
          'unknown key in an Ocean analysis: its distance is shown as unclassified and no share is derived from it; OCEAN_PRIVATE_KEYS or OCEAN_PROFESSIONAL_KEYS can classify it',
        );
      },
      onTotalMismatch: (difference) => {
        if (this.totalMismatchTold) return;
        this.totalMismatchTold = true;
        this.deps.logger?.warn({ difference }, "Ocean's total of an analysis differs from the sum of its rows: reports show the sum (told once)");
      },
    };
  }

  /**
   * The period's rows, by driver or by vehicle (`filter`: some vehicles only), however many
   * analyses Ocean needs for it. With a `scope`, Ocean is asked for that part of the fleet only,
   * and a driver's row outside it is dropped all the same: the scope holds where data is read.
   */
  async data(
    period: Period,
    by: 'driver' | 'vehicle',
    context: CallContext = {},
    filter?: AnalysisQuery['filter'],
    options?: ReadOptions,
    scope?: Scope,
  ): Promise<ReportData> {
    const renderMode = by === 'driver' ? 'BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS' : 'BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS';
    const fetch = (query: AnalysisQuery['filter']) => this.periods.fetch({ first: period.first, last: period.last, renderMode, filter: query }, context);
    let read: ReadOptions;
    let pieces: Awaited<ReturnType<typeof fetch>>;
    if (!scope || scope.whole) [pieces, read] = await Promise.all([fetch(filter), options ?? this.readOptions(by)]);
    else {
      read = options ?? (await this.readOptions(by));
      const scoped = scope.filter([...read.drivers.values()]);
      if (scoped === 'nobody') return mergeReports([]);
      pieces = await fetch({ ...filter, ...scoped });
    }
    return mergeReports(
      pieces.map((results) => {
        const piece = readPiece(results, read);
        if (!scope || scope.whole || by !== 'driver') return piece;
        return { ...piece, rows: piece.rows.filter((row) => scope.includes(read.drivers.get(Number(row.id)))) };
      }),
    );
  }

  /** A manager's report for their scope (or the part of it they narrowed it to). */
  async report(actor: Actor, period: Period, by: 'driver' | 'vehicle', scope: Scope | undefined = actor.scope): Promise<View> {
    const t = actor.t;
    if (!scope) throw new Error('a report is for managers only');
    const label = this.periodLabel(period, t);
    const audit = { first: period.first, last: period.last, by, ...(scope.whole ? {} : { scope: scope.key() }) };
    if (period.kind === 'year' && by === 'vehicle') {
      const benefit = await this.benefit.of(period, actor, scope);
      await this.deps.store.auditLog.add(actor.ref, 'report', null, { ...audit, benefitInKind: true, rows: benefit.vehicles.length });
      return benefitView(benefit, t, label, period, (rows) => this.chart(rows, t, label, 'vehicle', period, scope), scope);
    }
    const data = await this.data(period, by, actor, undefined, undefined, scope);
    await this.deps.store.auditLog.add(actor.ref, 'report', null, { ...audit, rows: data.rows.length });
    return this.render(data, t, label, by, period, scope);
  }

  async render(data: ReportData, t: Translator, label: string, by: 'driver' | 'vehicle', period: Period, scope?: Scope): Promise<View> {
    const part = scope?.label();
    const title = `${t.t('report.title', { period: label })} (${t.t(by === 'driver' ? 'report.byDriver' : 'report.byVehicle')})${part ? ` — ${part}` : ''}`;
    if (!data.rows.length) return { summary: title, title, blocks: [{ type: 'text', text: t.t('report.empty', { period: label }) }] };
    const c = (key: string) => t.t(`report.columns.${key}`);
    const f = screenFigures(t);
    const totals = data.totals;
    const pair = (a: number, b: number, format: (v: number) => string) => f.split(totals, 0, () => `${format(a)} / ${format(b)}`);
    const blocks: Block[] = [
      {
        type: 'fields',
        fields: [
          { label: c('privateKm'), value: f.km(totals.privateMeters) },
          { label: c('professionalKm'), value: f.km(totals.professionalMeters) },
          ...(totals.unclassifiedMeters > 0 ? [{ label: c('unclassifiedKm'), value: f.km(totals.unclassifiedMeters) }] : []),
          { label: c('privateShare'), value: f.share(totals) },
          { label: c('costEur'), value: f.money(totals.cost) },
          { label: c('privateProfessionalCost'), value: pair(totals.privateCost, totals.professionalCost, f.money) },
          { label: c('fuel'), value: f.litres(totals.fuelL) },
          { label: c('privateProfessionalFuel'), value: pair(totals.privateFuelL, totals.professionalFuelL, f.litres) },
          { label: c('energy'), value: f.kwh(totals.energyKWh) },
          { label: c('privateProfessionalEnergy'), value: pair(totals.privateEnergyKWh, totals.professionalEnergyKWh, f.kwh) },
        ],
      },
      ...keyNotes(data, t),
      { type: 'text', text: t.t(`report.split.${splitSources(data)}`), tone: 'muted' },
      { type: 'heading', text: t.t('report.topTitle') },
      {
        type: 'table',
        columns: [
          { label: c(by === 'driver' ? 'driver' : 'vehicle') },
          { label: c('privateKm'), align: 'right' },
          { label: c('professionalKm'), align: 'right' },
          { label: c('privateShare'), align: 'right' },
        ],
        rows: data.rows.slice(0, TABLE_ROWS).map((r) => [r.name, f.km(r.privateMeters), f.km(r.professionalMeters), f.share(r)]),
        footer: [t.t('report.totals'), f.km(totals.privateMeters), f.km(totals.professionalMeters), f.share(totals)],
      },
    ];
    if (data.rows.length > TABLE_ROWS) blocks.push({ type: 'text', text: t.t('report.rest', { count: data.rows.length - TABLE_ROWS }), tone: 'muted' });
    blocks.push(...(await this.chart(data.rows, t, label, by, period, scope)));
    blocks.push({
      type: 'file',
      name: reportFileName('report', period, by, 'csv', t, scope?.slug()),
      mime: 'text/csv',
      data: reportCsv(data, t, by),
      title: t.t('report.csvTitle'),
    });
    return { summary: title, title, blocks };
  }

  /**
   * The chart, or a line saying it could not be drawn: the table and the CSV never depend on it.
   * Every row is drawn while the bars stay readable; beyond, the line under the chart names the
   * rows left out (the CSV has them all).
   */
  async chart(rows: ReportData['rows'], t: Translator, label: string, by: 'driver' | 'vehicle', period: Period, scope?: Scope): Promise<Block[]> {
    const shown = Math.min(rows.length, MAX_CHART_BARS);
    const left = rows.slice(shown);
    const subtitle = left.length ? t.t('report.chartShown', { shown, total: rows.length }) : undefined;
    try {
      const png = await (this.deps.chart ?? barChartPng)(
        rows.slice(0, shown).map((r) => ({ name: r.name, privateKm: r.privateMeters / 1000, professionalKm: r.professionalMeters / 1000 })),
        {
          title: scope?.label() ? `${label} — ${scope.label()}` : label,
          subtitle,
          privateLabel: t.t('common.private'),
          professionalLabel: t.t('common.professional'),
          axis: 'km',
          locale: t.locale,
        },
      );
      const alt = t.t('report.chartAlt', { by: t.t(by === 'driver' ? 'report.driver' : 'report.vehicle') });
      const blocks: Block[] = [
        { type: 'image', png, alt: subtitle ? `${alt} (${subtitle})` : alt, name: reportFileName('report', period, by, 'png', t, scope?.slug()) },
      ];
      if (left.length) blocks.push({ type: 'text', tone: 'muted', text: leftOut(left, t) });
      return blocks;
    } catch (error) {
      this.deps.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'report chart not drawn');
      return [{ type: 'text', text: t.t('report.chartUnavailable'), tone: 'muted' }];
    }
  }
}

/** Names of the rows the chart leaves out, the first few by name and how many more. */
function leftOut(rows: ReportData['rows'], t: Translator): string {
  const named = rows.slice(0, LEFT_OUT_NAMED).map((r) => r.name);
  const more = rows.length - named.length;
  return t.t('report.chartLeftOut', { count: rows.length, names: named.join(', '), more: more ? t.t('report.andMore', { count: more }) : '' });
}

const LEFT_OUT_NAMED = 10;
