import { z } from 'zod';
import { type UnitRef, unitKind, unitRef } from '../domain';
import type { Target } from '../privacy/people';
import { isPeriodError, isPeriodWord, lastMonth, type Period, parsePeriod } from '../privacy/report';

export type { Target };

/*
 * The command grammar of INTERFACE.md, parsed once for every platform. Slack gives the slash
 * command and its text apart; Teams and the web chat give one line ("privacy-report last-month").
 */

export type Command =
  | { kind: 'overview' }
  | { kind: 'help' }
  | { kind: 'schedule'; target?: Target }
  /** `narrow`: an entity or a group the manager narrows the report to (within their scope). */
  | { kind: 'report'; period: Period; by: 'driver' | 'vehicle'; periodGiven: boolean; narrow?: UnitRef }
  /** `/privacy me [period]`: the driver's own figures (the year so far unless a period is given). */
  | { kind: 'own'; period: Period }
  /** The drivers with trips left without an answer; without a period, the days still open. */
  | { kind: 'unanswered'; period?: Period }
  /** `privacy-report here` in a channel: the weekly digest goes there too (`here off`: no more). */
  | { kind: 'reportChannel'; on: boolean }
  | { kind: 'link'; target: Target; who: string }
  | { kind: 'unlink'; target: Target }
  | { kind: 'forget'; target: Target }
  | { kind: 'language'; locale: 'fr' | 'en' }
  /** `/privacy suggestions off|on`: suggestions from the driver's own answers; alone, whether they are on. */
  | { kind: 'suggestions'; on?: boolean }
  /** "bonjour", "merci !": answered politely, with the help for the person's role. */
  | { kind: 'smallTalk'; mood: 'greeting' | 'thanks' };

export interface CommandError {
  key: string;
  params: Record<string, string | number>;
  /** An i18n key (under `accepted.`) naming what would have been understood, in the user's words. */
  accepted?: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };

export interface ParseContext {
  now: Date;
  zone: string;
}

const MAX_INPUT = 500;
/** What a user typed is quoted back at most this long. */
const MAX_QUOTE = 80;

const PRIVACY = ['/privacy', '/vie-privee'];
const REPORT = ['/privacy-report', '/rapport-vie-privee'];
const HELP = ['help', 'aide'];

const GREETINGS = ['bonjour', 'salut', 'bonsoir', 'coucou', 'hello', 'hi', 'hey', 'good morning'];
const THANKS = ['merci', 'merci beaucoup', 'merci bien', 'thanks', 'thank you', 'thx'];
/** What `/privacy` takes after it, also understood typed alone (`horaires`, `suggestions off`). */
const BARE_SUBCOMMANDS = ['schedule', 'horaires', 'suggestions', 'suggestion', 'language', 'langue'];

/**
 * Parses a whole line: `/privacy schedule`, `privacy-report 2026-10 by vehicle`, `help`; a
 * greeting or a thank-you ("bonjour", "merci !"); a `/privacy` word typed alone (`horaires`).
 */
export function parseLine(line: string, ctx: ParseContext): ParseResult {
  const { head, rest } = splitHead(line);
  if (HELP.includes(head.replace(/^\//, '').toLowerCase())) return rest ? tooMany(rest, 'help') : { ok: true, command: { kind: 'help' } };
  const words = foldWords(line);
  if (GREETINGS.includes(words)) return { ok: true, command: { kind: 'smallTalk', mood: 'greeting' } };
  if (THANKS.includes(words)) return { ok: true, command: { kind: 'smallTalk', mood: 'thanks' } };
  if (BARE_SUBCOMMANDS.includes(head.toLowerCase())) return parsePrivacy(tokens(clean(line)), ctx);
  if (!isOurCommand(head)) return fail('errors.unknownCommand', { input: quote(clean(line)) }, 'commands');
  return parseSlash(slashName(head), rest, ctx);
}

/** A line as small talk is compared: lower case, no accents, no punctuation ("Merci !" is "merci"). */
function foldWords(line: string): string {
  return clean(line)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Parses a slash command and its text, as Slack sends them. */
export function parseSlash(command: string, text: string, ctx: ParseContext): ParseResult {
  const args = tokens(clean(text));
  const name = command.toLowerCase();
  if (PRIVACY.includes(name)) return parsePrivacy(args, ctx);
  if (REPORT.includes(name)) return parseReport(args, ctx);
  return fail('errors.unknownCommand', { input: quote(clean(`${command} ${text}`)) }, 'commands');
}

/**
 * Whether a line asks for something only managers may do (the report, linking, forgetting,
 * someone else's hours), judged on its first words alone: a driver is told so instead of being
 * corrected on arguments they have no use for.
 */
export function isManagerCommand(command: string | undefined, text: string): boolean {
  let name = command?.toLowerCase();
  let args = tokens(clean(text));
  if (name === undefined) {
    const { head, rest } = splitHead(text);
    if (!isOurCommand(head)) return false;
    name = slashName(head);
    args = tokens(clean(rest));
  }
  if (REPORT.includes(name)) return true;
  if (!PRIVACY.includes(name)) return false;
  const sub = args[0]?.toLowerCase();
  if (sub === undefined) return false;
  if (['link', 'relier', 'unlink', 'delier', 'délier', 'forget', 'oublier'].includes(sub)) return true;
  return ['schedule', 'horaires'].includes(sub) && args.length > 1;
}

function parsePrivacy(args: string[], ctx: ParseContext): ParseResult {
  const [sub, ...rest] = args;
  if (sub === undefined) return { ok: true, command: { kind: 'overview' } };
  switch (sub.toLowerCase()) {
    case 'me':
    case 'moi': {
      if (rest.length > 1) return tooMany(rest.slice(1).join(' '), 'own');
      if (!rest.length) return { ok: true, command: { kind: 'own', period: thisYear(ctx) } };
      const parsed = parsePeriod(rest[0] as string, ctx.now, ctx.zone);
      if (isPeriodError(parsed)) return fail(parsed.key, { ...parsed.params, argument: quote(rest[0] as string) });
      return { ok: true, command: { kind: 'own', period: parsed } };
    }
    case 'help':
    case 'aide':
      return rest.length ? tooMany(rest.join(' '), 'help') : { ok: true, command: { kind: 'help' } };
    case 'schedule':
    case 'horaires': {
      if (!rest.length) return { ok: true, command: { kind: 'schedule' } };
      const target = parseTarget(rest);
      if (!target) return fail('errors.badArgument', { argument: quote(rest.join(' ')) }, 'target');
      return { ok: true, command: { kind: 'schedule', target } };
    }
    case 'link':
    case 'relier': {
      // The last word is the Ocean driver (an e-mail or an Ocean id); the words before name the person.
      if (!rest.length) return fail('usage.link', {}, 'link');
      const who = rest.length >= 2 ? (rest[rest.length - 1] as string) : undefined;
      const target = who && (isEmail(who) || /^\d{1,15}$/.test(who)) ? parseTarget(rest.slice(0, -1)) : undefined;
      if (!target || !who) return fail('errors.badArgument', { argument: quote(rest.join(' ') || sub) }, 'link');
      return { ok: true, command: { kind: 'link', target, who: who.toLowerCase() } };
    }
    case 'unlink':
    case 'delier':
    case 'délier':
    case 'forget':
    case 'oublier': {
      const kind = ['forget', 'oublier'].includes(sub.toLowerCase()) ? 'forget' : 'unlink';
      if (!rest.length) return fail(`usage.${kind}`, {}, kind);
      const target = parseTarget(rest);
      if (!target) return fail('errors.badArgument', { argument: quote(rest.join(' ') || sub) }, kind);
      return { ok: true, command: { kind, target } };
    }
    case 'language':
    case 'langue': {
      const locale = rest[0]?.toLowerCase();
      if (rest.length !== 1 || (locale !== 'fr' && locale !== 'en')) return fail('errors.badArgument', { argument: quote(rest.join(' ') || sub) }, 'language');
      return { ok: true, command: { kind: 'language', locale } };
    }
    case 'suggestions':
    case 'suggestion': {
      if (!rest.length) return { ok: true, command: { kind: 'suggestions' } };
      const word = rest[0]?.toLowerCase();
      const on = word !== undefined && ON.includes(word) ? true : word !== undefined && OFF.includes(word) ? false : undefined;
      if (rest.length !== 1 || on === undefined) return fail('errors.badArgument', { argument: quote(rest.join(' ') || sub) }, 'suggestions');
      return { ok: true, command: { kind: 'suggestions', on } };
    }
    default:
      return fail('errors.badArgument', { argument: quote(sub) }, 'privacy');
  }
}

const HERE = ['here', 'ici'];
const OFF = ['off', 'stop', 'arret', 'arrêt'];
const ON = ['on', 'marche'];
const UNANSWERED = ['unanswered', 'sans-reponse', 'sans-réponse'];

function parseReport(args: string[], ctx: ParseContext): ParseResult {
  const first = args[0]?.toLowerCase();
  if (first !== undefined && HERE.includes(first)) {
    const rest = args.slice(1);
    if (!rest.length) return { ok: true, command: { kind: 'reportChannel', on: true } };
    if (rest.length === 1 && OFF.includes((rest[0] as string).toLowerCase())) return { ok: true, command: { kind: 'reportChannel', on: false } };
    return tooMany(rest.join(' '), 'here');
  }
  let period: Period | undefined;
  let by: 'driver' | 'vehicle' | undefined;
  let unanswered = false;
  let narrow: UnitRef | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const word = (args[i] as string).toLowerCase();
    // `entity Agence Lyon`, `entité "Agence Lyon"`, `group:Commerciaux`, `entity 12`.
    const colon = word.indexOf(':');
    const kind = unitKind(colon > 0 ? word.slice(0, colon) : word);
    if (kind) {
      const words: string[] = [];
      let j = i + 1;
      if (colon > 0 && colon < word.length - 1) words.push((args[i] as string).slice(colon + 1));
      else if (j < args.length) words.push(args[j++] as string);
      const opened = /^["'“«‘]/.test(words[0] ?? '');
      const closed = () => words.join(' ').length > 1 && /["'”»’]$/.test(words.join(' '));
      while (j < args.length && (opened ? !closed() : !isReportWord(args[j] as string))) words.push(args[j++] as string);
      const ref = words.length ? unitRef(kind, words.join(' ')) : undefined;
      if (!ref || narrow || unanswered) return fail('errors.badArgument', { argument: quote(args.slice(i, j).join(' ')) }, 'narrow');
      narrow = ref;
      i = j - 1;
      continue;
    }
    if (UNANSWERED.includes(word)) {
      if (unanswered || by || narrow) return fail('errors.badArgument', { argument: quote(args[i] as string) }, 'unanswered');
      unanswered = true;
      continue;
    }
    if (word === 'by' || word === 'par') {
      if (unanswered) return fail('errors.badArgument', { argument: quote(`${word} ${args[i + 1] ?? ''}`.trim()) }, 'unanswered');
      const what = args[i + 1]?.toLowerCase();
      const mode = what && BY_WORDS[what];
      if (!mode || by) return fail('errors.badArgument', { argument: quote(`${word} ${args[i + 1] ?? ''}`.trim()) }, 'by');
      by = mode;
      i += 1;
      continue;
    }
    if (period) return tooMany(args.slice(i).join(' '), 'report');
    const parsed = parsePeriod(word, ctx.now, ctx.zone);
    if (isPeriodError(parsed)) return fail(parsed.key, { ...parsed.params, argument: quote(args[i] as string) });
    period = parsed;
  }
  if (unanswered) return { ok: true, command: { kind: 'unanswered', ...(period ? { period } : {}) } };
  return {
    ok: true,
    command: {
      kind: 'report',
      period: period ?? lastMonth(ctx.now, ctx.zone),
      by: by ?? 'driver',
      periodGiven: period !== undefined,
      ...(narrow ? { narrow } : {}),
    },
  };
}

/** A word that ends an unquoted entity or group name: the report's other arguments. */
function isReportWord(word: string): boolean {
  const w = word.toLowerCase();
  return w === 'by' || w === 'par' || UNANSWERED.includes(w) || isPeriodWord(w) || unitKind(w.split(':')[0] as string) !== undefined;
}

/** The year so far: the year of yesterday (on 1 January, the year just ended). */
function thisYear(ctx: ParseContext): Period {
  const yesterday = new Date(ctx.now.getTime() - 86_400_000);
  const year = new Intl.DateTimeFormat('en', { timeZone: ctx.zone, year: 'numeric' }).format(yesterday);
  return parsePeriod(year, ctx.now, ctx.zone) as Period;
}

const BY_WORDS: Record<string, 'driver' | 'vehicle'> = {
  driver: 'driver',
  drivers: 'driver',
  conducteur: 'driver',
  conducteurs: 'driver',
  vehicle: 'vehicle',
  vehicles: 'vehicle',
  vehicule: 'vehicle',
  véhicule: 'vehicle',
  vehicules: 'vehicle',
  véhicules: 'vehicle',
};

const Email = z.email();

function isEmail(word: string): boolean {
  return Email.safeParse(word.toLowerCase()).success;
}

/**
 * The person named by the words after a command: `<@U123|alice>` (a mention), an e-mail
 * (`<mailto:…>` as Slack escapes it, or bare), or a name (`@Antoine Fournier`, `julien`).
 */
export function parseTarget(words: string[]): Target | undefined {
  if (!words.length) return undefined;
  if (words.length === 1) {
    const word = words[0] as string;
    const mention = /^<@([A-Za-z0-9:_\-.]+)(\|[^>]*)?>$/.exec(word);
    if (mention) return { kind: 'mention', userId: mention[1] as string };
    const mailto = /^<mailto:([^|>]+)(\|[^>]*)?>$/.exec(word);
    const email = (mailto ? (mailto[1] as string) : word).toLowerCase();
    if (isEmail(email)) return { kind: 'email', email };
  }
  const name = words.join(' ').replace(/^@/, '').trim();
  if (!name || name.length > 100 || /[<>]/.test(name)) return undefined;
  return { kind: 'name', name };
}

function splitHead(line: string): { head: string; rest: string } {
  const text = clean(line);
  const space = text.indexOf(' ');
  return space < 0 ? { head: text, rest: '' } : { head: text.slice(0, space), rest: text.slice(space + 1) };
}

function slashName(head: string): string {
  return `/${head.replace(/^\//, '').toLowerCase()}`;
}

function isOurCommand(head: string): boolean {
  const name = slashName(head);
  return PRIVACY.includes(name) || REPORT.includes(name);
}

function clean(text: string): string {
  // Drop control characters and collapse blanks; long inputs are cut, never echoed whole.
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200d\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_INPUT);
}

function tokens(text: string): string[] {
  return text ? text.split(' ') : [];
}

/** What the user typed, quoted back: at most MAX_QUOTE characters, cut at a word when it can be. */
function quote(text: string): string {
  if (text.length <= MAX_QUOTE) return text;
  const cut = text.slice(0, MAX_QUOTE - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_QUOTE / 2 ? cut.slice(0, space) : cut}…`;
}

function fail(key: string, params: Record<string, string | number>, accepted?: string): ParseResult {
  return { ok: false, error: { key, params, ...(accepted ? { accepted } : {}) } };
}

function tooMany(argument: string, example: 'help' | 'report' | 'here' | 'own'): ParseResult {
  return fail('errors.tooManyArguments', { argument: quote(argument) }, example);
}
