import { stringify } from 'csv-stringify/sync';
import type { Translator } from '../i18n';
import { privateShare, type ReportData, type ReportRow } from './report-rows';

/*
 * The CSV is made for French Excel first and for any RFC 4180 reader:
 *  - UTF-8 with a byte-order mark, so Excel reads accents right;
 *  - `;` between fields, because French Excel takes `,` as the decimal separator;
 *  - decimal comma in French, point in English, never a thousands separator;
 *  - CRLF line endings and double-quote quoting as RFC 4180 says (with `;` as the delimiter).
 */
export function reportCsv(data: ReportData, t: Translator): Buffer {
  const c = (key: string) => t.t(`report.columns.${key}`);
  const num = csvNumber(t);
  // Asked once, not per row: a translation lookup costs more than the rest of a line.
  const splitFrom = { ocean: t.t('report.splitFrom.ocean'), distance: t.t('report.splitFrom.distance') };
  const header = [
    c('name'),
    c('privateKm'),
    c('professionalKm'),
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
  const line = (row: ReportRow, name: string) => [
    name,
    num(row.privateMeters / 1000, 1),
    num(row.professionalMeters / 1000, 1),
    num(privateShare(row), 1),
    num(row.privateSeconds / 3600, 2),
    num(row.professionalSeconds / 3600, 2),
    num(row.cost, 2),
    num(row.fuelL, 2),
    num(row.energyKWh, 2),
    num(row.privateCost, 2),
    num(row.professionalCost, 2),
    num(row.privateFuelL, 2),
    num(row.professionalFuelL, 2),
    num(row.privateEnergyKWh, 2),
    num(row.professionalEnergyKWh, 2),
    splitFrom[row.splitFrom],
    ...data.extraColumns.map((col) => num(row.extra[col] ?? 0, 2)),
  ];
  const records = [header, ...data.rows.map((r) => line(r, neutralise(r.name))), line(data.totals, t.t('report.totals'))];
  return csvFile(records);
}

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
