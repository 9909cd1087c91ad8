import { translator } from '../../src/i18n';
import { fr } from '../../src/i18n/fr';
import { dayOfMonth, frenchSpaces, frenchTypography, NBSP, NNBSP, unitSpaces } from '../../src/i18n/typography';

/* French typography (issue 27, item 9): one helper a rule, and every French string follows them. */

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** What a French string must never show, whatever it says. */
function faults(text: string): string[] {
  const found: string[] = [];
  if (/ [:;?!»]/.test(text)) found.push('a breaking space before : ; ? ! or »');
  if (/« /.test(text)) found.push('a breaking space after «');
  if (/\d (km|min|h|kWh|L|€|%)(?![\p{L}\d])/u.test(text)) found.push('a breaking space between a number and its unit');
  if (/\((s|e|es)\)/.test(text)) found.push('a plural or gender in parentheses');
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth > 1) {
      found.push('parentheses inside parentheses');
      break;
    }
  }
  if (/semaine-derniere|sans-reponse/.test(text)) found.push('an example without its accents');
  return found;
}

describe('French typography', () => {
  it('no-break spaces before : ; ? ! and inside « », narrow before ; ? !', () => {
    expect(frenchSpaces('Commande « privé » : pourquoi ? Merci ; à bientôt !')).toBe(
      `Commande «${NBSP}privé${NBSP}»${NBSP}: pourquoi${NNBSP}? Merci${NNBSP}; à bientôt${NNBSP}!`,
    );
    expect(frenchSpaces('«privé»')).toBe(`«${NBSP}privé${NBSP}»`);
    // A colon without a space stays as it is: times, addresses.
    expect(frenchSpaces('08:40 https://exemple.fr')).toBe('08:40 https://exemple.fr');
  });

  it('a number keeps its unit on its line', () => {
    expect(unitSpaces('7,2 km · 36 min · 1 h 30 · 12 % · 3 trajets')).toBe(`7,2${NBSP}km · 36${NBSP}min · 1${NBSP}h${NBSP}30 · 12${NBSP}% · 3${NBSP}trajets`);
    // A word starting like a unit is not one.
    expect(unitSpaces('2 hommes')).toBe('2 hommes');
  });

  it('the first day of a month is "1er"', () => {
    expect(dayOfMonth(1)).toBe('1er');
    expect(dayOfMonth(2)).toBe('2');
    expect(translator('fr').longDay('2026-12-01', 'Europe/Paris')).toBe('mardi 1er décembre');
    expect(translator('fr').longDay('2026-11-24', 'Europe/Paris')).toBe('mardi 24 novembre');
    expect(translator('en').longDay('2026-12-01', 'Europe/Paris')).toBe('Tuesday 1 December');
  });

  it('every French string of the catalogue follows the rules, as the translator gives it', () => {
    const t = translator('fr');
    const lookup = (key: string) => key.split('.').reduce((o: any, k) => o[k], fr) as string;
    const problems: string[] = [];
    for (const key of keys(fr)) {
      const base = key.replace(/_(one|other)$/, '');
      const params = Object.fromEntries([...lookup(key).matchAll(/{{(\w+)}}/g)].map((m) => [m[1], m[1] === 'count' ? (key.endsWith('_one') ? 1 : 3) : 'x']));
      const text = t.t(base, params);
      for (const fault of faults(text)) problems.push(`${key}: ${fault} — ${text}`);
    }
    expect(problems).toEqual([]);
    // The translator's own numbers and durations too.
    expect(faults(`${t.km(7200)} ${t.duration(5400)} ${t.duration(600)}`)).toEqual([]);
    expect(t.km(7200)).toBe(`7,2${NBSP}km`);
  });

  it('the whole text goes through every rule at once', () => {
    expect(frenchTypography('Distance : 7,2 km')).toBe(`Distance${NBSP}: 7,2${NBSP}km`);
  });
});
