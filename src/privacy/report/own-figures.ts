import type { Store } from '../../store';
import type { Block, View } from '../../views/views';
import type { Actor } from '../people';
import { reportCsv } from './csv';
import { keyNotes, reportFileName, screenFigures } from './format';
import type { Period } from './periods';
import type { ReportService } from './reports';
import { DIGITS, prorate, sumRows } from './rows';

export interface OwnFiguresDeps {
  reports: Pick<ReportService, 'data' | 'periodLabel'>;
  store: Store;
}

/**
 * `privacy me [period]`: a driver's own private and professional kilometres and hours, and the
 * private share a benefit in kind is computed from, with cost, fuel and electricity split pro
 * rata of kilometres as the manager's benefit-in-kind report does. Ocean's analysis is asked for
 * that driver alone (`filter.persons`), and only their own line is kept: on a shared vehicle,
 * their part only; nobody else's figures, ever. The CSV goes to them alone (their direct chat).
 */
export class OwnFigures {
  constructor(private readonly deps: OwnFiguresDeps) {}

  async view(actor: Actor, period: Period): Promise<View> {
    const t = actor.t;
    const individuId = actor.individuId;
    if (individuId === null) throw new Error('own figures need an Ocean link');
    const label = this.deps.reports.periodLabel(period, t);
    const title = t.t('own.title', { period: label });
    const data = await this.deps.reports.data(period, 'driver', actor, { persons: [individuId] });
    const mine = data.rows.filter((row) => row.id === String(individuId)).map((row) => prorate({ ...row, extra: { ...row.extra } }));
    await this.deps.store.auditLog.add(actor.ref, 'report.own', `individu:${individuId}`, { first: period.first, last: period.last });
    const row = mine[0];
    if (!row) return { summary: title, title, blocks: [{ type: 'text', text: t.t('own.empty', { period: label }) }] };
    const f = screenFigures(t);
    const hours = (seconds: number) => t.t('own.hours', { value: t.number(seconds / 3600, DIGITS.hours) });
    const ofTotal = (part: number, whole: number, format: (v: number) => string) => f.split(row, 0, () => `${format(part)} / ${format(whole)}`);
    const c = (key: string) => t.t(`report.columns.${key}`);
    const own = { ...data, rows: mine, totals: sumRows(mine) };
    const blocks: Block[] = [
      { type: 'text', text: t.t('own.intro') },
      {
        type: 'fields',
        fields: [
          { label: c('privateKm'), value: f.km(row.privateMeters) },
          { label: c('professionalKm'), value: f.km(row.professionalMeters) },
          ...(row.unclassifiedMeters > 0 ? [{ label: c('unclassifiedKm'), value: f.km(row.unclassifiedMeters) }] : []),
          { label: c('privateDuration'), value: hours(row.privateSeconds) },
          { label: c('professionalDuration'), value: hours(row.professionalSeconds) },
          { label: t.t('own.share'), value: f.share(row) },
          { label: t.t('benefit.columns.privateCost'), value: ofTotal(row.privateCost, row.cost, f.money) },
          { label: t.t('benefit.columns.privateFuel'), value: ofTotal(row.privateFuelL, row.fuelL, f.litres) },
          { label: t.t('benefit.columns.privateEnergy'), value: ofTotal(row.privateEnergyKWh, row.energyKWh, f.kwh) },
        ],
      },
      ...keyNotes(own, t),
      { type: 'text', text: t.t('benefit.prorata'), tone: 'muted' },
      { type: 'text', text: t.t('own.onlyYou'), tone: 'muted' },
      {
        type: 'file',
        name: reportFileName('own', period, null, 'csv', t),
        mime: 'text/csv',
        data: reportCsv(own, t, 'driver'),
        title: t.t('own.csvTitle'),
      },
    ];
    return { summary: title, title, blocks };
  }
}
