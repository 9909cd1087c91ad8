import type { Translator } from '../i18n';

/** An amount in euros, always with cents: "7 757,26 €", "€7,757.26". */
export function euros(value: number, t: Translator): string {
  return new Intl.NumberFormat(t.locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(value);
}
