import { AnalysisTotal, AnalysisTree, type AnalysisResult } from '../ocean/schemas';
import type { Driver, DriverVehicle } from './directory';

/** One line of the manager report: totals only, never a trip, a place or a time of day. */
export interface ReportRow {
  id: string;
  name: string;
  privateMeters: number;
  professionalMeters: number;
  privateSeconds: number;
  professionalSeconds: number;
  cost: number;
  fuelL: number;
  energyKWh: number;
  /** Values under period-map keys we do not know, by column name (`distanceInMeterByPeriodMap.X`). */
  extra: Record<string, number>;
}

export function privateShare(row: Pick<ReportRow, 'privateMeters' | 'professionalMeters'>): number {
  const total = row.privateMeters + row.professionalMeters;
  return total > 0 ? (100 * row.privateMeters) / total : 0;
}

/*
 * Ocean does not document the keys of the `*ByPeriodMap` maps (REFERENCE §8). These are the
 * keys we read as private or professional; any other key becomes a column of its own.
 */
const PRIVATE_KEYS = new Set(['VIE_PRIVEE', 'PRIVEE', 'PRIVE', 'PRIVATE', 'PERSO', 'PERSONNEL', 'VP', 'TRUE', 'HORS_HORAIRE']);
const PROFESSIONAL_KEYS = new Set(['PROFESSIONNEL', 'PROFESSIONNELLE', 'PRO', 'PROFESSIONAL', 'TRAVAIL', 'WORK', 'FALSE', 'DANS_HORAIRE']);

export type KeyKind = 'private' | 'professional' | 'unknown';

export function classifyKey(key: string): KeyKind {
  const k = key.trim().toUpperCase();
  if (PRIVATE_KEYS.has(k)) return 'private';
  if (PROFESSIONAL_KEYS.has(k)) return 'professional';
  return 'unknown';
}

export interface ReadOptions {
  by: 'driver' | 'vehicle';
  drivers: Map<number, Driver>;
  vehicles: Map<number, DriverVehicle>;
  /** Told once per unknown key (the caller logs it once per process). */
  onUnknownKey?: (map: string, key: string) => void;
}

export interface ReportData {
  rows: ReportRow[];
  totals: ReportRow;
  extraColumns: string[];
}

/** Turns Ocean's analysis tree into rows and a totals row. */
export function readAnalysis(results: AnalysisResult[], options: ReadOptions): ReportData {
  const rows: ReportRow[] = [];
  let cumul: ReportRow | undefined;
  for (const result of results) {
    const tree = options.by === 'vehicle' ? (result.synthesisTreeByVehicle ?? result.synthesisTreeByDriver) : (result.synthesisTreeByDriver ?? result.synthesisTreeByVehicle);
    if (!tree) continue;
    collect(tree.nodes ?? {}, rows, options, 0);
    const total = tree.entityTotalCumul ?? tree.content?.entityTotal;
    if (total && !cumul) cumul = toRow('total', 'total', total, options);
  }
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.extra)).concat(cumul ? Object.keys(cumul.extra) : []))].sort();
  const summed = sum(rows);
  // Ocean's own cumul when it has one; our sum when it is empty (the documented example).
  const totals = cumul && cumul.privateMeters + cumul.professionalMeters > 0 ? cumul : summed;
  return { rows, totals: { ...totals, id: 'total', name: 'total' }, extraColumns };
}

/** `nodes` is undocumented: totals keyed by id, or nested trees. Both are read. */
function collect(nodes: Record<string, unknown>, rows: ReportRow[], options: ReadOptions, depth: number): void {
  for (const [key, value] of Object.entries(nodes)) {
    const asTree = AnalysisTree.safeParse(value);
    if (depth < 3 && asTree.success && asTree.data.nodes && Object.keys(asTree.data.nodes).length) {
      collect(asTree.data.nodes, rows, options, depth + 1);
      continue;
    }
    const total = AnalysisTotal.safeParse(asTree.success ? (asTree.data.entityTotalCumul ?? value) : value);
    if (!total.success) continue;
    rows.push(toRow(key, nameFor(key, total.data, options), total.data, options));
  }
}

function nameFor(key: string, total: AnalysisTotal, options: ReadOptions): string {
  if (options.by === 'vehicle') {
    const id = total.vehicle?.id ?? Number(key);
    const known = options.vehicles.get(id);
    return known?.label ?? total.vehicle?.description ?? `#${key}`;
  }
  const individu = total.driver?.individu;
  const id = individu?.id ?? Number(key);
  const known = options.drivers.get(id);
  const first = known?.firstName ?? individu?.prenomInd ?? '';
  const last = known?.lastName ?? individu?.nomInd ?? '';
  return `${first} ${last}`.trim() || `#${key}`;
}

function toRow(id: string, name: string, total: AnalysisTotal, options: ReadOptions): ReportRow {
  const row: ReportRow = { id, name, privateMeters: 0, professionalMeters: 0, privateSeconds: 0, professionalSeconds: 0, cost: total.cost ?? 0, fuelL: total.consoL ?? 0, energyKWh: total.consoKWh ?? 0, extra: {} };
  const maps = total.total ?? {};
  const split = (mapName: string, map: Record<string, number | null> | null | undefined, assign: (kind: 'private' | 'professional', value: number) => void) => {
    for (const [key, raw] of Object.entries(map ?? {})) {
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
      const kind = classifyKey(key);
      if (kind === 'unknown') {
        options.onUnknownKey?.(mapName, key);
        row.extra[`${mapName}.${key}`] = (row.extra[`${mapName}.${key}`] ?? 0) + value;
      } else assign(kind, value);
    }
  };
  split('distanceInMeterByPeriodMap', maps.distanceInMeterByPeriodMap, (k, v) => (k === 'private' ? (row.privateMeters += v) : (row.professionalMeters += v)));
  split('durationInSecByPeriodMap', maps.durationInSecByPeriodMap, (k, v) => (k === 'private' ? (row.privateSeconds += v) : (row.professionalSeconds += v)));
  // Electric distance and battery use are parts of the above: kept only under unknown keys, as columns.
  split('distanceElectriqueInMeterByPeriodMap', maps.distanceElectriqueInMeterByPeriodMap, () => undefined);
  split('utilisationBatterieByPeriodMap', maps.utilisationBatterieByPeriodMap, () => undefined);
  return row;
}

function sum(rows: ReportRow[]): ReportRow {
  const total: ReportRow = { id: 'total', name: 'total', privateMeters: 0, professionalMeters: 0, privateSeconds: 0, professionalSeconds: 0, cost: 0, fuelL: 0, energyKWh: 0, extra: {} };
  for (const r of rows) {
    total.privateMeters += r.privateMeters;
    total.professionalMeters += r.professionalMeters;
    total.privateSeconds += r.privateSeconds;
    total.professionalSeconds += r.professionalSeconds;
    total.cost += r.cost;
    total.fuelL += r.fuelL;
    total.energyKWh += r.energyKWh;
    for (const [k, v] of Object.entries(r.extra)) total.extra[k] = (total.extra[k] ?? 0) + v;
  }
  return total;
}
