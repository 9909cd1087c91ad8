import type { Translator } from '../i18n';
import type { Block, View } from '../views/views';
import type { Benefit, VehicleBenefit } from './benefit-in-kind';
import { csvFile, csvNumber, neutralise } from './report-csv';
import { euros } from './report-format';
import { privateShare, type ReportRow } from './report-rows';

/** Vehicles shown in the chat (each with its drivers); the CSV has them all. */
export const BENEFIT_TABLE_VEHICLES = 10;

/**
 * The year's benefit in kind as the manager reads it: totals, the vehicles with the highest
 * private share and their drivers, the chart, and the CSV of every vehicle and driver whose
 * header states the pro-rata formula.
 */
export async function benefitView(benefit: Benefit, t: Translator, label: string, chart: (rows: ReportRow[]) => Promise<Block[]>): Promise<View> {
  const title = t.t('benefit.title', { year: label });
  if (!benefit.vehicles.length) return { summary: title, title, blocks: [{ type: 'text', text: t.t('report.empty', { period: label }) }] };
  const c = (key: string) => t.t(`benefit.columns.${key}`);
  const sorted = [...benefit.vehicles].sort(
    (a, b) =>
      privateShare(b.vehicle) - privateShare(a.vehicle) || b.vehicle.privateMeters - a.vehicle.privateMeters || a.vehicle.name.localeCompare(b.vehicle.name),
  );
  const totals = benefit.totals;
  const line = (name: string, row: ReportRow) => [
    name,
    t.number(row.privateMeters / 1000),
    t.number(totalMeters(row) / 1000),
    t.number(privateShare(row)),
    euros(row.privateCost, t),
  ];
  const rows = sorted.slice(0, BENEFIT_TABLE_VEHICLES).flatMap((v) => [line(v.vehicle.name, v.vehicle), ...v.drivers.map((d) => line(`  ↳ ${d.name}`, d))]);
  const blocks: Block[] = [
    { type: 'text', text: t.t('benefit.intro') },
    {
      type: 'fields',
      fields: [
        { label: c('privateKm'), value: t.number(totals.privateMeters / 1000) },
        { label: c('totalKm'), value: t.number(totalMeters(totals) / 1000) },
        { label: c('privateShare'), value: t.number(privateShare(totals)) },
        { label: c('privateCost'), value: `${euros(totals.privateCost, t)} / ${euros(totals.cost, t)}` },
        { label: c('privateFuel'), value: `${t.number(totals.privateFuelL)} / ${t.number(totals.fuelL)}` },
        { label: c('privateEnergy'), value: `${t.number(totals.privateEnergyKWh)} / ${t.number(totals.energyKWh)}` },
      ],
    },
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
  if (sorted.length > BENEFIT_TABLE_VEHICLES)
    blocks.push({ type: 'text', text: t.t('benefit.rest', { count: sorted.length - BENEFIT_TABLE_VEHICLES }), tone: 'muted' });
  blocks.push(...(await chart(sorted.map((v) => v.vehicle))));
  blocks.push({
    type: 'file',
    name: `benefit-in-kind-${label.slice(0, 4)}.csv`,
    mime: 'text/csv',
    data: benefitCsv(sorted, totals, t),
    title: t.t('benefit.csvTitle'),
  });
  return { summary: title, title, blocks };
}

/**
 * One line per vehicle (all its drivers), then one per driver of it. The header names each
 * derived figure's formula: the share is private km over total km, and cost, fuel and energy
 * are the whole times that share.
 */
export function benefitCsv(vehicles: VehicleBenefit[], totals: ReportRow, t: Translator): Buffer {
  const c = (key: string) => t.t(`benefit.columns.${key}`);
  const num = csvNumber(t);
  const header = [
    c('vehicle'),
    c('driver'),
    c('privateKm'),
    c('totalKm'),
    c('shareFormula'),
    c('cost'),
    c('costFormula'),
    c('fuel'),
    c('fuelFormula'),
    c('energy'),
    c('energyFormula'),
  ];
  const line = (vehicle: string, driver: string, row: ReportRow) => [
    vehicle,
    driver,
    num(row.privateMeters / 1000, 1),
    num(totalMeters(row) / 1000, 1),
    num(privateShare(row), 1),
    num(row.cost, 2),
    num(row.privateCost, 2),
    num(row.fuelL, 2),
    num(row.privateFuelL, 2),
    num(row.energyKWh, 2),
    num(row.privateEnergyKWh, 2),
  ];
  const records = [header];
  const allDrivers = c('allDrivers');
  for (const { vehicle, drivers } of vehicles) {
    records.push(line(neutralise(vehicle.name), allDrivers, vehicle));
    for (const driver of drivers) records.push(line(neutralise(vehicle.name), neutralise(driver.name), driver));
  }
  records.push(line(t.t('report.totals'), '', totals));
  return csvFile(records);
}

function totalMeters(row: ReportRow): number {
  return row.privateMeters + row.professionalMeters;
}
