import i18next from 'i18next';
import { supportedLocale, translator } from '../../src/i18n';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { frenchTypography } from '../../src/i18n/typography';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1] as string).sort();
}

describe('languages', () => {
  it('the French and English catalogues have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(fr).sort());
  });

  it('each message uses the same placeholders in both languages', () => {
    const lookup = (obj: object, key: string) => key.split('.').reduce((o: any, k) => o[k], obj) as string;
    for (const key of keys(fr)) expect([key, placeholders(lookup(en, key))]).toEqual([key, placeholders(lookup(fr, key))]);
  });

  it('plural forms follow each language', () => {
    // French keeps a number with what it counts (a no-break space, see typography.ts).
    expect(translator('fr').t('overview.pendingTitle', { count: 1 })).toBe('1\u00a0trajet en attente de réponse');
    expect(translator('fr').t('overview.pendingTitle', { count: 3 })).toBe('3\u00a0trajets en attente de réponse');
    expect(translator('en').t('overview.pendingTitle', { count: 1 })).toBe('1 trip waiting for your answer');
    expect(translator('en').t('overview.pendingTitle', { count: 0 })).toBe('0 trips waiting for your answer');
  });

  it('numbers and dates are written the French way in French', () => {
    const fr = translator('fr');
    expect(fr.km(12_500)).toBe('12,5\u00a0km');
    expect(fr.shortDay('2026-11-24', 'Europe/Paris')).toBe('mar. 24/11');
    expect(fr.month('2026-11-01')).toBe('novembre 2026');
    expect(fr.duration(5400)).toBe('1\u00a0h\u00a030');
    expect(translator('en').km(12_500)).toBe('12.5 km');
    expect(translator('en').shortDay('2026-11-24', 'Europe/Paris')).toBe('Tue 24/11');
  });

  it('platform locales map to ours', () => {
    expect(supportedLocale('fr-FR')).toBe('fr');
    expect(supportedLocale('en_GB')).toBe('en');
    expect(supportedLocale('de-DE')).toBeUndefined();
    expect(supportedLocale(undefined)).toBeUndefined();
  });
});

describe('messages resolved once per language', () => {
  /** i18next itself, as the translator sets it up. */
  const reference = i18next.createInstance();
  void reference.init({
    resources: { fr: { translation: fr }, en: { translation: en } },
    lng: 'fr',
    fallbackLng: 'fr',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof reference.init>[0]);
  const bases = [...new Set(keys(fr).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')))];

  it.each(['fr', 'en'] as const)('every message in %s reads as i18next writes it, for any count and values that look like placeholders', (locale) => {
    // i18next's text, given with French typography in French (src/i18n/typography.ts), values included.
    const raw = reference.getFixedT(locale);
    const fixed = (key: string, values: Record<string, unknown>) => (locale === 'fr' ? frenchTypography(String(raw(key, values))) : String(raw(key, values)));
    const ours = translator(locale);
    for (const key of bases) {
      const text = String(reference.getResource(locale, 'translation', key) ?? reference.getResource(locale, 'translation', `${key}_other`));
      const names = placeholders(text).filter((n) => n !== 'count');
      const values = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 12.5 : `« {{${n}}} » & <@U1>`]));
      for (const count of [0, 1, 2, 21, 1.5]) expect([key, count, ours.t(key, { ...values, count })]).toEqual([key, count, fixed(key, { ...values, count })]);
      expect([key, ours.t(key, values)]).toEqual([key, fixed(key, values)]);
      // A missing value: as i18next leaves it.
      if (names.length) expect([key, ours.t(key, { count: 2 })]).toEqual([key, fixed(key, { count: 2 })]);
    }
  });
});
