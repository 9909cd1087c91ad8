import { type AnalysisResult, AnalysisTotal, AnalysisTree } from '../ocean/schemas';
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
  /** Cost, fuel and energy split between private and professional use. */
  privateCost: number;
  professionalCost: number;
  privateFuelL: number;
  professionalFuelL: number;
  privateEnergyKWh: number;
  professionalEnergyKWh: number;
  /** Where that split comes from: Ocean's analysis, or the distance (pro-rata of private km). */
  splitFrom: SplitSource;
  /** Values under period-map keys we do not know, by column name (`distanceInMeterByPeriodMap.X`). */
  extra: Record<string, number>;
}

export type SplitSource = 'ocean' | 'distance';

/** A row of zeros, split by distance until Ocean says otherwise. */
export function emptyRow(id: string, name: string): ReportRow {
  return {
    id,
    name,
    privateMeters: 0,
    professionalMeters: 0,
    privateSeconds: 0,
    professionalSeconds: 0,
    cost: 0,
    fuelL: 0,
    energyKWh: 0,
    privateCost: 0,
    professionalCost: 0,
    privateFuelL: 0,
    professionalFuelL: 0,
    privateEnergyKWh: 0,
    professionalEnergyKWh: 0,
    splitFrom: 'distance',
    extra: {},
  };
}

/**
 * Splits cost, fuel and energy by distance: the private part is the whole times private km over
 * total km (all professional when the row has no distance). For rows Ocean did not split.
 */
export function prorate(row: ReportRow): ReportRow {
  const total = row.privateMeters + row.professionalMeters;
  const share = total > 0 ? row.privateMeters / total : 0;
  row.privateCost = row.cost * share;
  row.professionalCost = row.cost - row.privateCost;
  row.privateFuelL = row.fuelL * share;
  row.professionalFuelL = row.fuelL - row.privateFuelL;
  row.privateEnergyKWh = row.energyKWh * share;
  row.professionalEnergyKWh = row.energyKWh - row.privateEnergyKWh;
  row.splitFrom = 'distance';
  return row;
}

/** Adds `row`'s figures into `into` (a split from Ocean stays one only if both were). */
export function addRow(into: ReportRow, row: ReportRow): ReportRow {
  for (const key of SUMMED) into[key] += row[key];
  into.splitFrom = into.splitFrom === 'ocean' && row.splitFrom === 'ocean' ? 'ocean' : 'distance';
  for (const [k, v] of Object.entries(row.extra)) into.extra[k] = (into.extra[k] ?? 0) + v;
  return into;
}

const SUMMED = [
  'privateMeters',
  'professionalMeters',
  'privateSeconds',
  'professionalSeconds',
  'cost',
  'fuelL',
  'energyKWh',
  'privateCost',
  'professionalCost',
  'privateFuelL',
  'professionalFuelL',
  'privateEnergyKWh',
  'professionalEnergyKWh',
] as const satisfies readonly (keyof ReportRow)[];

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

/** Where a report's cost, fuel and energy split comes from, for its label: one source, or both. */
export function splitSources(data: ReportData): SplitSource | 'mixed' {
  const sources = new Set(data.rows.map((r) => r.splitFrom));
  if (!data.rows.length) return data.totals.splitFrom;
  return sources.size > 1 ? 'mixed' : ([...sources][0] as SplitSource);
}

/**
 * One report from the reports of consecutive periods (a period longer than Ocean analyses at
 * once): rows with the same id are added up, and a split by distance is made again on the
 * whole, so that it is the period's pro-rata and not a sum of pro-ratas.
 */
export function mergeReports(parts: ReportData[]): ReportData {
  if (parts.length === 1) return parts[0] as ReportData;
  const rows = new Map<string, ReportRow>();
  const totals = emptyRow('total', 'total');
  totals.splitFrom = 'ocean';
  for (const part of parts) {
    for (const row of part.rows) {
      const known = rows.get(row.id);
      if (known) addRow(known, row);
      else rows.set(row.id, { ...row, extra: { ...row.extra } });
    }
    addRow(totals, part.totals);
  }
  const merged = [...rows.values()];
  for (const row of [...merged, totals]) if (row.splitFrom === 'distance') prorate(row);
  const extraColumns = [...new Set(parts.flatMap((p) => p.extraColumns))].sort();
  return { rows: merged, totals, extraColumns };
}

/** Turns Ocean's analysis tree into rows and a totals row. */
export function readAnalysis(results: AnalysisResult[], options: ReadOptions): ReportData {
  const rows: ReportRow[] = [];
  let cumul: ReportRow | undefined;
  for (const result of results) {
    const tree =
      options.by === 'vehicle'
        ? (result.synthesisTreeByVehicle ?? result.synthesisTreeByDriver)
        : (result.synthesisTreeByDriver ?? result.synthesisTreeByVehicle);
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
    // Only a node with a tree's own keys is read as a tree: a plain total is parsed once (a fleet has thousands).
    const asTree = treeShaped(value) ? AnalysisTree.safeParse(value) : undefined;
    if (depth < 3 && asTree?.success && asTree.data.nodes && Object.keys(asTree.data.nodes).length) {
      collect(asTree.data.nodes, rows, options, depth + 1);
      continue;
    }
    const total = AnalysisTotal.safeParse(asTree?.success ? (asTree.data.entityTotalCumul ?? value) : value);
    if (!total.success) continue;
    rows.push(toRow(key, nameFor(key, total.data, options), total.data, options));
  }
}

function treeShaped(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && ('nodes' in value || 'entityTotalCumul' in value || 'entityTotalByFlagCumul' in value || 'content' in value)
  );
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
  const row: ReportRow = { ...emptyRow(id, name), cost: total.cost ?? 0, fuelL: total.consoL ?? 0, energyKWh: total.consoKWh ?? 0 };
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
  return splitUse(row, total.useByFlag);
}

/**
 * Cost, fuel and energy per private/professional flag when Ocean's analysis gives them (see
 * AnalysisTree), else pro-rata by distance.
 */
function splitUse(row: ReportRow, byFlag: AnalysisTotal['useByFlag']): ReportRow {
  const flags = Object.entries(byFlag ?? {}).filter(([flag]) => classifyKey(flag) !== 'unknown');
  if (!flags.length) return prorate(row);
  for (const [flag, use] of flags) {
    if (classifyKey(flag) === 'private') {
      row.privateCost += use.cost;
      row.privateFuelL += use.consoL;
      row.privateEnergyKWh += use.consoKWh;
    } else {
      row.professionalCost += use.cost;
      row.professionalFuelL += use.consoL;
      row.professionalEnergyKWh += use.consoKWh;
    }
  }
  row.splitFrom = 'ocean';
  return row;
}

function sum(rows: ReportRow[]): ReportRow {
  const total = emptyRow('total', 'total');
  total.splitFrom = 'ocean';
  for (const r of rows) addRow(total, r);
  if (!rows.length) total.splitFrom = 'distance';
  return total;
}
