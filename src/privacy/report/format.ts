import type { Translator } from '../../i18n';
import type { Block } from '../../views/views';
import type { Period } from './periods';
import { DIGITS, guessedKeys, privateShare, type ReportData, type ReportRow, unclassified } from './rows';

/** An amount in euros, always with cents: "7 757,26 €", "€7,757.26". */
export function euros(value: number, t: Translator): string {
  return new Intl.NumberFormat(t.locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(value);
}

/** What a figure that is not computed shows, on screen and in the CSV's place of a share. */
export const NOT_COMPUTED = '—';

/**
 * A report's figures as the chat shows them, each with the digits of DIGITS (the CSV prints the
 * same digits): rows were rounded to them, so both print the same number.
 */
export function screenFigures(t: Translator) {
  return {
    km: (meters: number) => t.number(meters / 1000, DIGITS.km),
    litres: (value: number) => t.number(value, DIGITS.litres),
    kwh: (value: number) => t.number(value, DIGITS.kwh),
    money: (value: number) => euros(value, t),
    share: (row: ReportRow) => {
      const share = privateShare(row);
      return share === undefined ? NOT_COMPUTED : t.number(share, DIGITS.share);
    },
    /** A split figure, or the dash when the row's split is not computed. */
    split: (row: ReportRow, value: number, format: (v: number) => string) => (row.splitFrom === 'none' ? NOT_COMPUTED : format(value)),
  };
}

/**
 * The lines every view of a report carries about Ocean's undocumented keys: distance under a key
 * read as neither private nor professional (no share is derived from it), and keys read by our
 * guess rather than by the operator's setting.
 */
export function keyNotes(data: Pick<ReportData, 'extraColumns' | 'totals' | 'keysUsed'>, t: Translator): Block[] {
  const notes: Block[] = [];
  const left = unclassified(data);
  if (left.meters > 0)
    notes.push({
      type: 'text',
      tone: 'warning',
      text: t.t('report.unclassified', { km: t.number(left.meters / 1000, DIGITS.km), keys: left.keys.join(', '), count: left.keys.length }),
    });
  const guessed = guessedKeys(data);
  if (guessed.length)
    notes.push({
      type: 'text',
      tone: 'muted',
      text: t.t('report.guessedKeys', {
        keys: guessed.map((k) => t.t(`report.keyReading.${k.kind}`, { key: k.key })).join(', '),
      }),
    });
  return notes;
}

/**
 * A report file's name: the report, its period, the part of the fleet it covers (a manager's
 * scope, as Scope.slug names it) and its grouping, in the reader's language
 * (`vie-privee-2026-11-par-conducteur.csv`, `privacy-2026-11-agence-lyon-by-driver.csv`,
 * `my-privacy-2026.csv` for a driver's own figures, which have no grouping).
 */
export function reportFileName(
  kind: 'report' | 'benefit' | 'own',
  period: Period,
  by: 'driver' | 'vehicle' | null,
  extension: 'csv' | 'png',
  t: Translator,
  scope?: string,
): string {
  const parts = [t.t(`report.fileName.${kind}`), periodSlug(period), scope, by && t.t(`report.fileName.${by}`)];
  return `${parts.filter(Boolean).join('-')}.${extension}`;
}

/** A period as a file name gives it: 2026-11, 2026-12-04, 2026, or first_last. */
export function periodSlug(period: Period): string {
  if (period.kind === 'month') return period.first.slice(0, 7);
  if (period.kind === 'day') return period.first;
  if (period.kind === 'year' && period.first.endsWith('-01-01') && period.last.endsWith('-12-31')) return period.first.slice(0, 4);
  return `${period.first}_${period.last}`;
}
