import type { Translator } from '../../i18n';
import type { Block, View } from '../../views/views';
import type { Scope } from '../scope';
import type { Benefit, VehicleBenefit } from './benefit-in-kind';
import { csvFile, csvNumber, neutralise } from './csv';
import { keyNotes, reportFileName, screenFigures } from './format';
import type { Period } from './periods';
import { DIGITS, privateShare, type ReportRow } from './rows';

/** Vehicles shown in the chat (each with its drivers); the CSV has them all. */
export const BENEFIT_TABLE_VEHICLES = 10;

/**
 * The year's benefit in kind as the manager reads it: totals, the vehicles with the highest
 * private share and their drivers, the chart, and the CSV of every vehicle and driver whose
 * header states the pro-rata formula. The totals are the sums of the vehicles' rows.
 */
export async function benefitView(
  benefit: Benefit,
  t: Translator,
  label: string,
  period: Period,
  chart: (rows: ReportRow[]) => Promise<Block[]>,
  scope?: Scope,
): Promise<View> {
  const part = scope?.label();
  const title = `${t.t('benefit.title', { year: label })}${part ? ` — ${part}` : ''}`;
  if (!benefit.vehicles.length) return { summary: title, title, blocks: [{ type: 'text', text: t.t('report.empty', { period: label }) }] };
  const c = (key: string) => t.t(`benefit.columns.${key}`);
  const f = screenFigures(t);
  const totals = benefit.totals;
  const line = (name: string, row: ReportRow) => [name, f.km(row.privateMeters), f.km(totalMeters(row)), f.share(row), f.split(row, row.privateCost, f.money)];
  const rows = benefit.vehicles
    .slice(0, BENEFIT_TABLE_VEHICLES)
    .flatMap((v) => [line(v.vehicle.name, v.vehicle), ...v.drivers.map((d) => line(`  ↳ ${d.name}`, d))]);
  const ofTotal = (part: number, whole: number, format: (v: number) => string) => f.split(totals, 0, () => `${format(part)} / ${format(whole)}`);
  const blocks: Block[] = [
    { type: 'text', text: t.t('benefit.intro') },
    ...(part ? [{ type: 'text' as const, text: t.t('benefit.scoped', { scope: part }), tone: 'muted' as const }] : []),
    {
      type: 'fields',
      fields: [
        { label: c('privateKm'), value: f.km(totals.privateMeters) },
        { label: c('totalKm'), value: f.km(totalMeters(totals)) },
        { label: c('privateShare'), value: f.share(totals) },
        { label: c('privateCost'), value: ofTotal(totals.privateCost, totals.cost, f.money) },
        { label: c('privateFuel'), value: ofTotal(totals.privateFuelL, totals.fuelL, f.litres) },
        { label: c('privateEnergy'), value: ofTotal(totals.privateEnergyKWh, totals.energyKWh, f.kwh) },
      ],
    },
    ...keyNotes(benefit, t),
    { type: 'text', text: t.t('benefit.prorata'), tone: 'muted' },
    { type: 'heading', text: t.t('benefit.topTitle') },
    {
      type: 'table',
      columns: [
        { label: c('name') },
        { label: c('privateKm'), align: 'right' },
        { label: c('totalKm'), align: 'right' },
        { label: c('privateShare'), align: 'right' },
        { label: c('privateCostShort'), align: 'right' },
      ],
      rows,
      footer: line(t.t('report.totals'), totals),
    },
  ];
  if (benefit.vehicles.length > BENEFIT_TABLE_VEHICLES)
    blocks.push({ type: 'text', text: t.t('benefit.rest', { count: benefit.vehicles.length - BENEFIT_TABLE_VEHICLES }), tone: 'muted' });
  blocks.push(...(await chart(benefit.vehicles.map((v) => v.vehicle))));
  blocks.push({
    type: 'file',
    name: reportFileName('benefit', period, 'vehicle', 'csv', t, scope?.slug()),
    mime: 'text/csv',
    data: benefitCsv(benefit, t),
    title: t.t('benefit.csvTitle'),
  });
  return { summary: title, title, blocks };
}

/**
 * One line per vehicle (all its drivers), then one per driver's part of it, each saying which it
 * is in the first column: the vehicle lines alone add up to the Total line (a spreadsheet's
 * SUMIF on that column gives it), a driver's parts are within their vehicle's. The header names
 * each derived figure's formula: the share is private km over total km, and cost, fuel and
 * energy are the whole times that share. A row with unclassified distance has no share and no
 * private part (empty cells).
 */
export function benefitCsv(benefit: Pick<Benefit, 'vehicles' | 'totals'>, t: Translator): Buffer {
  const c = (key: string) => t.t(`benefit.columns.${key}`);
  const num = csvNumber(t);
  const unclassifiedColumn = benefit.totals.unclassifiedMeters > 0;
  const header = [
    c('line'),
    c('vehicle'),
    c('driver'),
    c('privateKm'),
    c('totalKm'),
    ...(unclassifiedColumn ? [t.t('report.columns.unclassifiedKm')] : []),
    c('shareFormula'),
    c('cost'),
    c('costFormula'),
    c('fuel'),
    c('fuelFormula'),
    c('energy'),
    c('energyFormula'),
  ];
  const line = (kind: string, vehicle: string, driver: string, row: ReportRow) => {
    const share = privateShare(row);
    const split = (value: number, digits: number) => (row.splitFrom === 'none' ? '' : num(value, digits));
    return [
      kind,
      vehicle,
      driver,
      num(row.privateMeters / 1000, DIGITS.km),
      num(totalMeters(row) / 1000, DIGITS.km),
      ...(unclassifiedColumn ? [num(row.unclassifiedMeters / 1000, DIGITS.km)] : []),
      share === undefined ? '' : num(share, DIGITS.share),
      num(row.cost, DIGITS.money),
      split(row.privateCost, DIGITS.money),
      num(row.fuelL, DIGITS.litres),
      split(row.privateFuelL, DIGITS.litres),
      num(row.energyKWh, DIGITS.kwh),
      split(row.privateEnergyKWh, DIGITS.kwh),
    ];
  };
  const records = [header];
  const [vehicleLine, driverLine] = [c('vehicleLine'), c('driverLine')];
  for (const { vehicle, drivers } of benefit.vehicles as VehicleBenefit[]) {
    records.push(line(vehicleLine, neutralise(vehicle.name), c('allDrivers'), vehicle));
    for (const driver of drivers) records.push(line(driverLine, neutralise(vehicle.name), neutralise(driver.name), driver));
  }
  records.push(line(t.t('report.totals'), '', '', benefit.totals));
  return csvFile(records);
}

/** Every kilometre of the row, classified or not. */
function totalMeters(row: ReportRow): number {
  return row.privateMeters + row.professionalMeters + row.unclassifiedMeters;
}
