import { type AnalysisResult, AnalysisTotal, AnalysisTree } from '../../ocean/schemas';
import type { Driver, DriverVehicle } from '../directory';
import { GUESSED_KEYS, type KeyKind, type KeySource, normalKey, type PeriodKeys } from './keys';

/**
 * One line of the manager report: totals only, never a trip, a place or a time of day.
 *
 * Every figure is rounded once, when the row is made, to the digits every view shows (see
 * DIGITS): the screen, the CSV and the chart then print the same numbers, and a total, being the
 * sum of rounded rows, is exactly the sum a spreadsheet makes of the CSV's column.
 */
export interface ReportRow {
  id: string;
  name: string;
  privateMeters: number;
  professionalMeters: number;
  /** Distance Ocean gave under a key read as neither private nor professional. */
  unclassifiedMeters: number;
  privateSeconds: number;
  professionalSeconds: number;
  unclassifiedSeconds: number;
  cost: number;
  fuelL: number;
  energyKWh: number;
  /** Cost, fuel and energy split between private and professional use (0 when `splitFrom` is `none`). */
  privateCost: number;
  professionalCost: number;
  privateFuelL: number;
  professionalFuelL: number;
  privateEnergyKWh: number;
  professionalEnergyKWh: number;
  /** Where that split comes from: Ocean's analysis, the distance (pro-rata of private km), both (a total), or nowhere. */
  splitFrom: SplitSource;
  /** Values under period-map keys we do not know, by column name (`distanceInMeterByPeriodMap.X`), in metres or seconds. */
  extra: Record<string, number>;
}

/** `none`: not computed, because part of the row's distance is unclassified (no share is derived from a guess). */
export type SplitSource = 'ocean' | 'distance' | 'mixed' | 'none';

/** Digits after the decimal mark every view shows: km, hours, euros, litres, kWh, percent. */
export const DIGITS = { km: 1, hours: 2, money: 2, litres: 1, kwh: 1, share: 1 } as const;

const round = (value: number, digits: number) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
/** Metres to the 100 m a tenth of a kilometre shows; seconds to the 36 s a hundredth of an hour shows. */
const roundMeters = (meters: number) => round(meters / 1000, DIGITS.km) * 1000;
const roundSeconds = (seconds: number) => round(seconds / 3600, DIGITS.hours) * 3600;

/** A row of zeros, split by distance until Ocean says otherwise. */
export function emptyRow(id: string, name: string): ReportRow {
  return {
    id,
    name,
    privateMeters: 0,
    professionalMeters: 0,
    unclassifiedMeters: 0,
    privateSeconds: 0,
    professionalSeconds: 0,
    unclassifiedSeconds: 0,
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

/** Rounds a row's figures to the digits shown (see DIGITS). Summing rounded rows then only needs `tidy`. */
function roundRow(row: ReportRow): ReportRow {
  row.privateMeters = roundMeters(row.privateMeters);
  row.professionalMeters = roundMeters(row.professionalMeters);
  row.unclassifiedMeters = roundMeters(row.unclassifiedMeters);
  row.privateSeconds = roundSeconds(row.privateSeconds);
  row.professionalSeconds = roundSeconds(row.professionalSeconds);
  row.unclassifiedSeconds = roundSeconds(row.unclassifiedSeconds);
  row.cost = round(row.cost, DIGITS.money);
  row.fuelL = round(row.fuelL, DIGITS.litres);
  row.energyKWh = round(row.energyKWh, DIGITS.kwh);
  row.privateCost = round(row.privateCost, DIGITS.money);
  row.professionalCost = round(row.professionalCost, DIGITS.money);
  row.privateFuelL = round(row.privateFuelL, DIGITS.litres);
  row.professionalFuelL = round(row.professionalFuelL, DIGITS.litres);
  row.privateEnergyKWh = round(row.privateEnergyKWh, DIGITS.kwh);
  row.professionalEnergyKWh = round(row.professionalEnergyKWh, DIGITS.kwh);
  for (const key of Object.keys(row.extra)) row.extra[key] = Math.round(row.extra[key] ?? 0);
  return row;
}

/**
 * Splits cost, fuel and energy by distance, on the row's rounded figures: the private part is
 * the whole times private km over total km, rounded; the professional part is the rest, so the
 * two add up to the whole to the last digit. A row with unclassified distance gets no split:
 * its share would come from a guess.
 */
export function prorate(row: ReportRow): ReportRow {
  roundRow(row);
  const total = row.privateMeters + row.professionalMeters;
  const classified = row.unclassifiedMeters === 0;
  const share = classified && total > 0 ? row.privateMeters / total : 0;
  const part = (whole: number, digits: number): [number, number] => {
    if (!classified) return [0, 0];
    const privatePart = round(whole * share, digits);
    return [privatePart, round(whole - privatePart, digits)];
  };
  [row.privateCost, row.professionalCost] = part(row.cost, DIGITS.money);
  [row.privateFuelL, row.professionalFuelL] = part(row.fuelL, DIGITS.litres);
  [row.privateEnergyKWh, row.professionalEnergyKWh] = part(row.energyKWh, DIGITS.kwh);
  row.splitFrom = classified ? 'distance' : 'none';
  return row;
}

/** Where a sum's split comes from, given its parts'. */
function combine(a: SplitSource, b: SplitSource): SplitSource {
  if (a === 'none' || b === 'none') return 'none';
  return a === b ? a : 'mixed';
}

/** Adds `row`'s figures into `into`. */
export function addRow(into: ReportRow, row: ReportRow): ReportRow {
  for (const key of SUMMED) into[key] += row[key];
  into.splitFrom = combine(into.splitFrom, row.splitFrom);
  for (const [k, v] of Object.entries(row.extra)) into.extra[k] = (into.extra[k] ?? 0) + v;
  return into;
}

/** The sum of rows, rounded again so that adding decimals in binary leaves no trace (0.1 + 0.2). */
export function sumRows(rows: readonly ReportRow[], id = 'total', name = 'total'): ReportRow {
  const total = emptyRow(id, name);
  rows.forEach((row, i) => {
    if (i === 0) total.splitFrom = row.splitFrom;
    addRow(total, row);
  });
  return roundRow(total);
}

const SUMMED = [
  'privateMeters',
  'professionalMeters',
  'unclassifiedMeters',
  'privateSeconds',
  'professionalSeconds',
  'unclassifiedSeconds',
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

/**
 * Private km over private and professional km, in percent, rounded to the digits shown; none
 * when part of the distance is unclassified (a share must not come from a guess).
 */
export function privateShare(row: Pick<ReportRow, 'privateMeters' | 'professionalMeters' | 'unclassifiedMeters'>): number | undefined {
  if (row.unclassifiedMeters > 0) return undefined;
  const total = row.privateMeters + row.professionalMeters;
  return total > 0 ? round((100 * row.privateMeters) / total, DIGITS.share) : 0;
}

/**
 * The order of every view (screen, CSV, chart): rows whose share cannot be computed first (they
 * need the operator), then the highest private share, the most private km, then by name.
 */
export function byPrivateShare(a: ReportRow, b: ReportRow): number {
  const sa = privateShare(a) ?? Number.POSITIVE_INFINITY;
  const sb = privateShare(b) ?? Number.POSITIVE_INFINITY;
  return sb - sa || b.privateMeters - a.privateMeters || a.name.localeCompare(b.name, 'fr') || a.id.localeCompare(b.id);
}

export interface ReadOptions {
  by: 'driver' | 'vehicle';
  drivers: Map<number, Driver>;
  vehicles: Map<number, DriverVehicle>;
  /** How the analysis' undocumented keys are read (the built-in guesses unless configured). */
  keys?: PeriodKeys;
  /** Told once per unknown key (the caller logs it once per process). */
  onUnknownKey?: (map: string, key: string) => void;
  /** Told when Ocean's own total differs from the sum of its rows (the report shows the sum). */
  onTotalMismatch?: (difference: Partial<Record<(typeof SUMMED)[number], number>>) => void;
}

/** A key a report read its distance or its split under, and why it was read so. */
export interface KeyUse {
  key: string;
  kind: Exclude<KeyKind, 'unknown'>;
  source: KeySource;
}

export interface ReportData {
  /** Sorted as every view shows them (byPrivateShare). */
  rows: ReportRow[];
  /** The sum of `rows`. */
  totals: ReportRow;
  extraColumns: string[];
  /** The keys read as private or professional, with why. */
  keysUsed: KeyUse[];
}

/** Where a report's cost, fuel and energy split comes from, for its label. */
export function splitSources(data: ReportData): SplitSource {
  return data.totals.splitFrom;
}

/** The keys under which some distance was left unclassified, and how much. */
export function unclassified(data: Pick<ReportData, 'extraColumns' | 'totals'>): { meters: number; keys: string[] } {
  const prefix = `${DISTANCE_MAP}.`;
  const keys = data.extraColumns.filter((c) => c.startsWith(prefix) && (data.totals.extra[c] ?? 0) !== 0).map((c) => c.slice(prefix.length));
  return { meters: data.totals.unclassifiedMeters, keys };
}

/** The keys read by our guess alone (not the operator's setting): a figure computed from them says so. */
export function guessedKeys(data: Pick<ReportData, 'keysUsed'>): KeyUse[] {
  return data.keysUsed.filter((k) => k.source === 'guess');
}

const DISTANCE_MAP = 'distanceInMeterByPeriodMap';

/** A piece of a report as Ocean's analysis of one period gives it: rows not yet rounded nor split by distance. */
export interface ReportPiece {
  rows: ReportRow[];
  extraColumns: string[];
  keysUsed: KeyUse[];
}

/**
 * One report from the analyses of consecutive periods (a period longer than Ocean analyses at
 * once, or just one): rows with the same id are added up, then each row is rounded once to the
 * digits shown and split by distance on the whole period (a period's pro-rata, not a sum of
 * pro-ratas), unless Ocean split every piece of it itself. The rows are sorted as every view
 * shows them and the totals are their sum.
 */
export function mergeReports(pieces: ReportPiece[]): ReportData {
  const rows = new Map<string, ReportRow>();
  for (const piece of pieces) {
    for (const row of piece.rows) {
      const known = rows.get(row.id);
      if (known) addRow(known, row);
      else rows.set(row.id, { ...row, extra: { ...row.extra } });
    }
  }
  const settled = [...rows.values()].map((row) => (row.splitFrom === 'ocean' ? roundRow(row) : prorate(row)));
  settled.sort(byPrivateShare);
  const extraColumns = [...new Set(pieces.flatMap((p) => p.extraColumns))].sort();
  const keys = new Map(pieces.flatMap((p) => p.keysUsed).map((k) => [`${k.kind}:${k.key}`, k]));
  return { rows: settled, totals: sumRows(settled), extraColumns, keysUsed: [...keys.values()] };
}

/** Ocean's analysis of one period as a report (see mergeReports). */
export function readAnalysis(results: AnalysisResult[], options: ReadOptions): ReportData {
  return mergeReports([readPiece(results, options)]);
}

/**
 * Turns Ocean's analysis tree into rows. Ocean's own total of the tree is not shown: where it
 * differs from the sum of the rows, the difference is told to the caller.
 */
export function readPiece(results: AnalysisResult[], options: ReadOptions): ReportPiece {
  const rows: ReportRow[] = [];
  const keysUsed = new Map<string, KeyUse>();
  const reader = { ...options, keys: options.keys ?? GUESSED_KEYS, used: keysUsed };
  let cumul: ReportRow | undefined;
  for (const result of results) {
    const tree =
      options.by === 'vehicle'
        ? (result.synthesisTreeByVehicle ?? result.synthesisTreeByDriver)
        : (result.synthesisTreeByDriver ?? result.synthesisTreeByVehicle);
    if (!tree) continue;
    collect(tree.nodes ?? {}, rows, reader, 0);
    const total = tree.entityTotalCumul ?? tree.content?.entityTotal;
    if (total && !cumul) cumul = toRow('total', 'total', total, { ...reader, onUnknownKey: undefined, used: new Map() });
  }
  if (cumul && rows.length) tellMismatch(cumul, rows, options);
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))].sort();
  return { rows, extraColumns, keysUsed: [...keysUsed.values()] };
}

/**
 * Ocean's total against the sum of the rows, beyond what rounding explains: each row and the total
 * rounded to a metre or a cent by Ocean may differ by half of one each. The documented example's
 * total is empty: no mismatch.
 */
function tellMismatch(ocean: ReportRow, rows: ReportRow[], options: ReadOptions): void {
  if (!options.onTotalMismatch || ocean.privateMeters + ocean.professionalMeters + ocean.unclassifiedMeters === 0) return;
  const sum = emptyRow('total', 'total');
  for (const row of rows) addRow(sum, row);
  const unit = { privateMeters: 1, professionalMeters: 1, unclassifiedMeters: 1, cost: 0.01, fuelL: 0.01, energyKWh: 0.01 } as const;
  const difference: Partial<Record<(typeof SUMMED)[number], number>> = {};
  const roundings = (rows.length + 1) / 2;
  for (const key of Object.keys(unit) as (keyof typeof unit)[]) {
    const delta = ocean[key] - sum[key];
    if (Math.abs(delta) > unit[key] * Math.max(1, roundings) + 1e-9) difference[key] = Math.round(delta * 100) / 100;
  }
  if (Object.keys(difference).length) options.onTotalMismatch(difference);
}

type Reader = ReadOptions & { keys: PeriodKeys; used: Map<string, KeyUse> };

/** `nodes` is undocumented: totals keyed by id, or nested trees. Both are read. */
function collect(nodes: Record<string, unknown>, rows: ReportRow[], options: Reader, depth: number): void {
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

function toRow(id: string, name: string, total: AnalysisTotal, options: Reader): ReportRow {
  const row: ReportRow = { ...emptyRow(id, name), cost: total.cost ?? 0, fuelL: total.consoL ?? 0, energyKWh: total.consoKWh ?? 0 };
  const maps = total.total ?? {};
  const split = (
    mapName: string,
    map: Record<string, number | null> | null | undefined,
    assign: (kind: KeyKind, value: number) => void,
    keepUnknown = true,
  ) => {
    for (const [key, raw] of Object.entries(map ?? {})) {
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
      const reading = options.keys.read(key);
      if (reading.kind === 'unknown') {
        options.onUnknownKey?.(mapName, key);
        if (keepUnknown) row.extra[`${mapName}.${key}`] = (row.extra[`${mapName}.${key}`] ?? 0) + value;
      } else if (value !== 0) note(options, key, reading.kind, reading.source);
      assign(reading.kind, value);
    }
  };
  split(DISTANCE_MAP, maps.distanceInMeterByPeriodMap, (k, v) => {
    if (k === 'private') row.privateMeters += v;
    else if (k === 'professional') row.professionalMeters += v;
    else row.unclassifiedMeters += v;
  });
  split('durationInSecByPeriodMap', maps.durationInSecByPeriodMap, (k, v) => {
    if (k === 'private') row.privateSeconds += v;
    else if (k === 'professional') row.professionalSeconds += v;
    else row.unclassifiedSeconds += v;
  });
  // Electric distance and battery use are parts of the above: kept only under unknown keys, as columns.
  split('distanceElectriqueInMeterByPeriodMap', maps.distanceElectriqueInMeterByPeriodMap, () => undefined);
  split('utilisationBatterieByPeriodMap', maps.utilisationBatterieByPeriodMap, () => undefined);
  return splitUse(row, total.useByFlag, options);
}

function note(options: Reader, key: string, kind: Exclude<KeyKind, 'unknown'>, source: KeySource): void {
  const name = `${kind}:${normalKey(key)}`;
  if (!options.used.has(name)) options.used.set(name, { key: normalKey(key), kind, source });
}

/**
 * Cost, fuel and energy per private/professional flag when Ocean's analysis gives them all
 * under keys we read (see AnalysisTree); else the row is left to the split by distance that
 * mergeReports makes: a split with a flag we cannot read would not add up to the whole.
 */
function splitUse(row: ReportRow, byFlag: AnalysisTotal['useByFlag'], options: Reader): ReportRow {
  const flags = Object.entries(byFlag ?? {}).map(([flag, use]) => ({ flag, use, reading: options.keys.read(flag) }));
  const unknown = flags.filter((f) => f.reading.kind === 'unknown');
  for (const f of unknown) options.onUnknownKey?.('useByFlag', f.flag);
  if (!flags.length || unknown.length) return row;
  for (const { flag, use, reading } of flags) {
    note(options, flag, reading.kind as Exclude<KeyKind, 'unknown'>, reading.source);
    if (reading.kind === 'private') {
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
