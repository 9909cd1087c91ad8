import { stringify } from 'csv-stringify/sync';
import type { Translator } from '../../i18n';
import { DIGITS, privateShare, type ReportData, type ReportRow, type SplitSource } from './rows';

/*
 * The CSV is made for French Excel first and for any RFC 4180 reader:
 *  - UTF-8 with a byte-order mark, so Excel reads accents right;
 *  - `;` between fields, because French Excel takes `,` as the decimal separator;
 *  - decimal comma in French, point in English, never a thousands separator;
 *  - CRLF line endings and double-quote quoting as RFC 4180 says (with `;` as the delimiter).
 * Rows come in the order the chat shows them, each figure with the digits the chat shows, and
 * the Total line is their sum: a spreadsheet's SUM() of a column gives it. A figure that is not
 * computed (a share, a split, where part of the distance is unclassified) is an empty cell.
 */
export function reportCsv(data: ReportData, t: Translator, by: 'driver' | 'vehicle'): Buffer {
  const c = (key: string) => t.t(`report.columns.${key}`);
  const num = csvNumber(t);
  // Asked once, not per row: a translation lookup costs more than the rest of a line.
  const splitFrom = Object.fromEntries(SPLIT_SOURCES.map((s) => [s, t.t(`report.splitFrom.${s}`)])) as Record<SplitSource, string>;
  const unclassifiedColumn = data.totals.unclassifiedMeters > 0;
  const header = [
    c(by === 'driver' ? 'driver' : 'vehicle'),
    c('privateKm'),
    c('professionalKm'),
    ...(unclassifiedColumn ? [c('unclassifiedKm')] : []),
    c('privateShare'),
    `${c('privateDuration')} (h)`,
    `${c('professionalDuration')} (h)`,
    c('costEur'),
    c('fuel'),
    c('energy'),
    c('privateCost'),
    c('professionalCost'),
    c('privateFuel'),
    c('professionalFuel'),
    c('privateEnergy'),
    c('professionalEnergy'),
    c('splitFrom'),
    ...data.extraColumns,
  ];
  const line = (row: ReportRow, name: string) => {
    const split = (value: number, digits: number) => (row.splitFrom === 'none' ? '' : num(value, digits));
    const share = privateShare(row);
    return [
      name,
      num(row.privateMeters / 1000, DIGITS.km),
      num(row.professionalMeters / 1000, DIGITS.km),
      ...(unclassifiedColumn ? [num(row.unclassifiedMeters / 1000, DIGITS.km)] : []),
      share === undefined ? '' : num(share, DIGITS.share),
      num(row.privateSeconds / 3600, DIGITS.hours),
      num(row.professionalSeconds / 3600, DIGITS.hours),
      num(row.cost, DIGITS.money),
      num(row.fuelL, DIGITS.litres),
      num(row.energyKWh, DIGITS.kwh),
      split(row.privateCost, DIGITS.money),
      split(row.professionalCost, DIGITS.money),
      split(row.privateFuelL, DIGITS.litres),
      split(row.professionalFuelL, DIGITS.litres),
      split(row.privateEnergyKWh, DIGITS.kwh),
      split(row.professionalEnergyKWh, DIGITS.kwh),
      splitFrom[row.splitFrom],
      ...data.extraColumns.map((col) => num(row.extra[col] ?? 0, 0)),
    ];
  };
  const records = [header, ...data.rows.map((r) => line(r, neutralise(r.name))), line(data.totals, t.t('report.totals'))];
  return csvFile(records);
}

const SPLIT_SOURCES = ['ocean', 'distance', 'mixed', 'none'] as const satisfies readonly SplitSource[];

/** A number as the CSV writes it: fixed digits, the language's decimal mark, no thousands separator. */
export function csvNumber(t: Translator): (value: number, digits: number) => string {
  const decimal = t.locale === 'fr' ? ',' : '.';
  return (value, digits) => value.toFixed(digits).replace('.', decimal);
}

/** Records as the file: BOM, `;`, CRLF, quoting as RFC 4180 says. */
export function csvFile(records: string[][]): Buffer {
  const text = stringify(records, { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[;"\r\n]/ });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** A name starting with =, +, - or @ would run as a formula in Excel: prefix it. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
