import i18next, { type i18n } from 'i18next';
import { DateTime } from 'luxon';
import type { Locale } from '../domain';
import { en } from './en';
import { fr } from './fr';
import { dayOfMonth, frenchTypography } from './typography';

export type { Catalogue } from './catalogue';

export type { Locale };
export const LOCALES: readonly Locale[] = ['fr', 'en'];

/** A platform locale ("fr-FR", "en_GB", "en-us") to one of ours, or undefined. */
export function supportedLocale(raw: string | null | undefined): Locale | undefined {
  const base = raw?.trim().toLowerCase().slice(0, 2);
  return LOCALES.find((l) => l === base);
}

let instance: i18n | undefined;

function shared(): i18n {
  if (!instance) {
    instance = i18next.createInstance();
    void instance.init({
      resources: { fr: { translation: fr }, en: { translation: en } },
      lng: 'fr',
      fallbackLng: 'fr',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
  }
  return instance;
}

export type TranslateParams = Record<string, string | number>;

/** Everything a view needs to speak the user's language: words, numbers, dates. */
export interface Translator {
  locale: Locale;
  t(key: string, params?: TranslateParams): string;
  number(value: number, fractionDigits?: number): string;
  km(meters: number): string;
  duration(seconds: number): string;
  /** `lun. 24/11` */
  shortDay(instant: Date | string, zone: string): string;
  /** `lundi 24 novembre`, `mardi 1er décembre` */
  longDay(day: string, zone: string): string;
  time(instant: Date, zone: string): string;
  /** `novembre 2026` */
  month(day: string): string;
  date(instant: Date, zone: string): string;
}

const translators = new Map<Locale, Translator>();

const clockTimes = new Map<string, Intl.DateTimeFormat>();

/** `HH:mm` in a zone: one Intl formatter per zone (luxon builds its own at every call). */
function clockTime(zone: string): Intl.DateTimeFormat {
  let format = clockTimes.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockTimes.set(zone, format);
  }
  return format;
}

/** A message as text and placeholders, alternating: `['Bonjour ', 'name', ' !']`. */
type Template = string[];

/** Options i18next reads from the parameters: a call with one goes to i18next. */
const I18NEXT_OPTIONS = new Set(['context', 'defaultValue', 'lng', 'lngs', 'ns', 'ordinal', 'returnObjects', 'replace', 'interpolation', 'postProcess']);

/** `{{name}}` placeholders only; null for what i18next alone reads (nesting, formats, unescaped values). */
function compile(text: string): Template | null {
  if (text.includes('$t(') || /{{\s*-|{{[^}]*,/.test(text)) return null;
  return text.split(/{{\s*(\w+)\s*}}/);
}

/** The message with its parameters filled in; null when one is missing (i18next says how it goes). */
function fill(template: Template | null, params: TranslateParams): string | null {
  if (!template) return null;
  for (const key in params) if (I18NEXT_OPTIONS.has(key)) return null;
  let text = template[0] as string;
  for (let i = 1; i < template.length; i += 2) {
    const value = params[template[i] as string];
    if (value === undefined) return null;
    text += String(value) + (template[i + 1] as string);
  }
  return text;
}

export function translator(locale: Locale): Translator {
  const cached = translators.get(locale);
  if (cached) return cached;
  const fixed = shared().getFixedT(locale);
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB';
  const formats = new Map<number, Intl.NumberFormat>();
  const number = (value: number, fractionDigits = 1) => {
    let format = formats.get(fractionDigits);
    if (!format) {
      format = new Intl.NumberFormat(tag, { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 });
      formats.set(fractionDigits, format);
    }
    return format.format(value);
  };
  // Words without parameters (labels, buttons) are looked up once: i18next's lookup shows in
  // profiles of a morning's burst of prompts.
  const plain = new Map<string, string>();
  // French text is given with French typography (no-break spaces, see typography.ts), whatever view shows it.
  const typeset = locale === 'fr' ? frenchTypography : (text: string) => text;
  // A message with parameters is resolved once too, into its text and placeholders (issue 30):
  // each call then only fills them in. Anything beyond {{name}} and a count's plural form goes
  // to i18next, as before.
  const templates = new Map<string, Template | null>();
  const plural = new Intl.PluralRules(locale);
  const template = (key: string): Template | null => {
    let found = templates.get(key);
    if (found === undefined) {
      const raw: unknown = shared().getResource(locale, 'translation', key);
      found = typeof raw === 'string' ? compile(raw) : null;
      templates.set(key, found);
    }
    return found;
  };
  const t = (key: string, params?: TranslateParams) => {
    if (params) return typeset(fill(params.count === undefined ? template(key) : counted(key, params.count), params) ?? (fixed(key, params) as string));
    let text = plain.get(key);
    if (text === undefined) {
      text = typeset(fixed(key, {}) as string);
      plain.set(key, text);
    }
    return text;
  };
  /** The plural form i18next would pick for `count` (`key_one`, `key_other`); null to leave it to i18next. */
  const counted = (key: string, count: string | number): Template | null => {
    if (typeof count !== 'number' || (count === 0 && template(`${key}_zero`))) return null;
    return template(`${key}_${plural.select(count)}`);
  };
  const days = new Map<string, string>();
  const built: Translator = {
    locale,
    t,
    number,
    km: (meters) => t('common.km', { value: number(meters / 1000, 1) }),
    duration: (seconds) => {
      const minutes = Math.round(seconds / 60);
      if (minutes < 60) return t('common.minutes', { count: minutes });
      return t('common.hoursMinutes', { hours: Math.floor(minutes / 60), minutes: String(minutes % 60).padStart(2, '0') });
    },
    shortDay: (instant, zone) =>
      (typeof instant === 'string' ? DateTime.fromISO(instant, { zone }) : DateTime.fromJSDate(instant, { zone })).setLocale(locale).toFormat('ccc dd/MM'),
    longDay: (day, zone) => {
      const key = `${day}|${zone}`;
      let text = days.get(key);
      if (text === undefined) {
        const date = DateTime.fromISO(day, { zone }).setLocale(locale);
        text = locale === 'fr' ? `${date.toFormat('cccc')} ${dayOfMonth(date.day)} ${date.toFormat('LLLL')}` : date.toFormat('cccc d LLLL');
        if (days.size > 1000) days.clear();
        days.set(key, text);
      }
      return text;
    },
    time: (instant, zone) => clockTime(zone).format(instant),
    month: (day) => DateTime.fromISO(day).setLocale(locale).toFormat('LLLL yyyy'),
    date: (instant, zone) => DateTime.fromJSDate(instant, { zone }).toFormat('dd/MM/yyyy'),
  };
  translators.set(locale, built);
  return built;
}
