import { z } from 'zod';
import { isPeriodError, lastMonth, parsePeriod, type Period } from '../privacy/periods';

/*
 * The command grammar of INTERFACE.md, parsed once for every platform. Slack gives the slash
 * command and its text apart; Teams and the web chat give one line ("privacy-report last-month").
 */

/** Who a command is about: a chat mention, or an e-mail address. */
export type Target = { kind: 'mention'; userId: string } | { kind: 'email'; email: string };

export type Command =
  | { kind: 'overview' }
  | { kind: 'help' }
  | { kind: 'schedule'; target?: Target }
  | { kind: 'report'; period: Period; by: 'driver' | 'vehicle'; periodGiven: boolean }
  | { kind: 'link'; target: Target; who: string }
  | { kind: 'unlink'; target: Target }
  | { kind: 'language'; locale: 'fr' | 'en' };

export interface CommandError {
  key: string;
  params: Record<string, string | number>;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };

export interface ParseContext {
  now: Date;
  zone: string;
}

const MAX_INPUT = 500;
const PRIVACY_ACCEPTED = 'privacy, privacy schedule, privacy help, privacy-report [période|period] [by driver|by vehicle]';

/** Parses a whole line: `/privacy schedule`, `privacy-report 2026-10 by vehicle`, `help`. */
export function parseLine(line: string, ctx: ParseContext): ParseResult {
  const text = clean(line);
  const [head = '', ...rest] = text.split(' ');
  const name = head.replace(/^\//, '').toLowerCase();
  if (name === 'help' || name === 'aide') return rest.length ? tooMany(rest.join(' '), 'help') : { ok: true, command: { kind: 'help' } };
  return parseSlash(`/${name}`, rest.join(' '), ctx);
}

/** Parses a slash command and its text, as Slack sends them. */
export function parseSlash(command: string, text: string, ctx: ParseContext): ParseResult {
  const args = tokens(clean(text));
  switch (command.toLowerCase()) {
    case '/privacy':
    case '/vie-privee':
      return parsePrivacy(args);
    case '/privacy-report':
    case '/rapport-vie-privee':
      return parseReport(args, ctx);
    default:
      return fail('errors.unknownCommand', { input: clean(`${command} ${text}`).slice(0, 80), accepted: PRIVACY_ACCEPTED });
  }
}

function parsePrivacy(args: string[]): ParseResult {
  const [sub, ...rest] = args;
  if (sub === undefined) return { ok: true, command: { kind: 'overview' } };
  switch (sub.toLowerCase()) {
    case 'help':
    case 'aide':
      return rest.length ? tooMany(rest.join(' '), '/privacy help') : { ok: true, command: { kind: 'help' } };
    case 'schedule':
    case 'horaires': {
      if (!rest.length) return { ok: true, command: { kind: 'schedule' } };
      const target = rest.length === 1 ? parseTarget(rest[0] as string) : undefined;
      if (!target) return fail('errors.badArgument', { argument: rest.join(' '), accepted: '@someone, e-mail' });
      return { ok: true, command: { kind: 'schedule', target } };
    }
    case 'link':
    case 'relier': {
      const target = rest[0] ? parseTarget(rest[0]) : undefined;
      const who = rest[1];
      if (!target || !who || rest.length > 2) return fail('errors.badArgument', { argument: rest.join(' ') || sub, accepted: '/privacy link @someone e-mail' });
      return { ok: true, command: { kind: 'link', target, who: who.toLowerCase() } };
    }
    case 'unlink':
    case 'delier':
    case 'délier': {
      const target = rest.length === 1 ? parseTarget(rest[0] as string) : undefined;
      if (!target) return fail('errors.badArgument', { argument: rest.join(' ') || sub, accepted: '/privacy unlink @someone' });
      return { ok: true, command: { kind: 'unlink', target } };
    }
    case 'language':
    case 'langue': {
      const locale = rest[0]?.toLowerCase();
      if (rest.length !== 1 || (locale !== 'fr' && locale !== 'en')) return fail('errors.badArgument', { argument: rest.join(' ') || sub, accepted: 'fr, en' });
      return { ok: true, command: { kind: 'language', locale } };
    }
    default:
      return fail('errors.badArgument', { argument: sub, accepted: 'schedule, help, link, unlink, language' });
  }
}

function parseReport(args: string[], ctx: ParseContext): ParseResult {
  let period: Period | undefined;
  let by: 'driver' | 'vehicle' | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const word = (args[i] as string).toLowerCase();
    if (word === 'by' || word === 'par') {
      const what = args[i + 1]?.toLowerCase();
      const mode = what && BY_WORDS[what];
      if (!mode || by) return fail('errors.badArgument', { argument: `${word} ${args[i + 1] ?? ''}`.trim(), accepted: 'by driver, by vehicle, par conducteur, par véhicule' });
      by = mode;
      i += 1;
      continue;
    }
    if (period) return tooMany(args.slice(i).join(' '), '/privacy-report 2026-10 by vehicle');
    const parsed = parsePeriod(word, ctx.now, ctx.zone);
    if (isPeriodError(parsed)) return fail(parsed.key, { ...parsed.params, argument: args[i] as string });
    period = parsed;
  }
  return { ok: true, command: { kind: 'report', period: period ?? lastMonth(ctx.now, ctx.zone), by: by ?? 'driver', periodGiven: period !== undefined } };
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

/** `<@U123|alice>` (Slack), `<at>Alice</at>` is resolved by the adapter to `<@id>`, or an e-mail. */
export function parseTarget(word: string): Target | undefined {
  const mention = /^<@([A-Za-z0-9:_\-.]+)(\|[^>]*)?>$/.exec(word);
  if (mention) return { kind: 'mention', userId: mention[1] as string };
  const mailto = /^<mailto:([^|>]+)(\|[^>]*)?>$/.exec(word);
  const email = (mailto ? (mailto[1] as string) : word).toLowerCase();
  if (Email.safeParse(email).success) return { kind: 'email', email };
  return undefined;
}

function clean(text: string): string {
  // Drop control characters and collapse blanks; long inputs are cut, never echoed whole.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200d\ufeff]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_INPUT);
}

function tokens(text: string): string[] {
  return text ? text.split(' ') : [];
}

function fail(key: string, params: Record<string, string | number>): ParseResult {
  const safe = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 80) : v]));
  return { ok: false, error: { key, params: safe } };
}

function tooMany(argument: string, example: string): ParseResult {
  return fail('errors.tooManyArguments', { argument, example });
}
