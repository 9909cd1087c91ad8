/*
 * French typography, one rule a function, applied by the translator to every French text it
 * gives (so every view gets them): no line ever breaks between a word and the sign after it,
 * inside guillemets, or between a number and its unit; the first day of a month is "1er".
 */

/** U+00A0, before a colon and inside guillemets. */
export const NBSP = '\u00a0';
/** U+202F (narrow), before ; ? ! */
export const NNBSP = '\u202f';

/**
 * Spaces before « : ; ? ! » and inside « » made no-break: a narrow one before ; ? !, a normal
 * one before : and inside guillemets. A sign written without its space ("«privé»") gets one;
 * a colon does not (times, URLs).
 */
export function frenchSpaces(text: string): string {
  return text
    .replace(/[ \u00a0\u202f]+([;?!])/g, `${NNBSP}$1`)
    .replace(/ +:/g, `${NBSP}:`)
    .replace(/«[ \u00a0\u202f]*/g, `«${NBSP}`)
    .replace(/[ \u00a0\u202f]*»/g, `${NBSP}»`);
}

/** The units a number is written with in the views. */
const UNITS = ['km', 'min', 'h', 'kWh', 'L', '€', '%', 'jours?', 'trajets?'];
const NUMBER_UNIT = new RegExp(`(\\d) (?=(?:${UNITS.join('|')})(?![\\p{L}\\d]))`, 'gu');
/** "1 h 30": the minutes after the hours stay on their line too. */
const HOURS_MINUTES = /(\d\u00a0h) (?=\d)/g;

/** The space between a number and its unit made no-break: "7,2 km" never breaks. */
export function unitSpaces(text: string): string {
  return text.replace(NUMBER_UNIT, `$1${NBSP}`).replace(HOURS_MINUTES, `$1${NBSP}`);
}

/** The day of the month as French writes it in a date: "1er", then "2", "3"… */
export function dayOfMonth(day: number): string {
  return day === 1 ? '1er' : String(day);
}

/** Every rule at once: what the translator applies to French text. */
export function frenchTypography(text: string): string {
  return unitSpaces(frenchSpaces(text));
}
