import { z } from 'zod';
import type { Choice } from '../domain';

/*
 * Button values carry a reference to stored state, never a bare Ocean id: a prompt id from our
 * store and a trip's position in it. The clicking user must own the prompt; that is checked
 * by the handler. The format is small (well under Slack's 2,000 characters) and validated here.
 */

export interface AnswerPayload {
  promptId: number;
  /**
   * Position of the trip in the prompt; 'all': the day's trips still without an answer; 'every':
   * every trip of the day, those answered otherwise too (asked for after 'all' said so).
   */
  trip: number | 'all' | 'every';
  /** `trip` is a position among the trips already private by the driver's private hours (`p<n>`). */
  hours?: boolean;
  choice: Choice;
  /** Clicked in the `/privacy` overview, showing its open days from this one: the overview is drawn again. */
  overview?: number;
}

const ANSWER = /^ans:(\d{1,12}):(p?\d{1,3}|all|every):(private|professional)(?::o(\d{1,3}))?$/;

export function encodeAnswer(payload: AnswerPayload): string {
  const overview = payload.overview === undefined ? '' : `:o${payload.overview}`;
  return `ans:${payload.promptId}:${payload.hours ? 'p' : ''}${payload.trip}:${payload.choice}${overview}`;
}

export function decodeAnswer(value: unknown): AnswerPayload | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const match = ANSWER.exec(value);
  if (!match) return undefined;
  const promptId = Number(match[1]);
  const raw = match[2] as string;
  const hours = raw.startsWith('p');
  const trip = raw === 'all' || raw === 'every' ? raw : Number(hours ? raw.slice(1) : raw);
  return { promptId, trip, choice: match[3] as Choice, ...(hours ? { hours } : {}), ...(match[4] !== undefined ? { overview: Number(match[4]) } : {}) };
}

/** The `/privacy` overview's open days from `offset` on (the most urgent first): `ovw:<offset>`. */
export function encodeOverviewDays(offset: number): string {
  return `ovw:${offset}`;
}

export function decodeOverviewDays(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^ovw:(\d{1,3})$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/**
 * "Accept suggestions" on a page of a prompt: `sug:<prompt id>:<page>`. Only where to look; which
 * trips and which answers are worked out from the store again on click, never read from here.
 */
export function encodeAcceptSuggestions(promptId: number, page: number): string {
  return `sug:${promptId}:${page}`;
}

export function decodeAcceptSuggestions(value: unknown): { promptId: number; page: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^sug:(\d{1,12}):(\d{1,3})$/.exec(value);
  return match ? { promptId: Number(match[1]), page: Number(match[2]) } : undefined;
}

/** The state carried by schedule forms and buttons: whose hours (our person id) and a nonce-free tag. */
export const ScheduleState = z.object({ person: z.number().int().positive() });

export function encodeScheduleState(personId: number): string {
  return `sch:${personId}`;
}

export function decodeScheduleState(value: unknown): { person: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^sch:(\d{1,12})$/.exec(value);
  return match ? ScheduleState.parse({ person: Number(match[1]) }) : undefined;
}

/** An exceptional period is named by its position in the list the user saw, re-read on click. */
export function encodePeriodRef(personId: number, start: Date): string {
  return `per:${personId}:${start.getTime()}`;
}

export function decodePeriodRef(value: unknown): { person: number; start: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^per:(\d{1,12}):(\d{1,15})$/.exec(value);
  return match ? { person: Number(match[1]), start: Number(match[2]) } : undefined;
}

/** A page of a long prompt: `pg:<prompt id>:<page>`, `:h` with the trips already private by the private hours unfolded. */
export function encodePage(promptId: number, page: number, hours = false): string {
  return `pg:${promptId}:${page}${hours ? ':h' : ''}`;
}

export function decodePage(value: unknown): { promptId: number; page: number; hours: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^pg:(\d{1,12}):(\d{1,3})(:h)?$/.exec(value);
  return match ? { promptId: Number(match[1]), page: Number(match[2]), hours: match[3] !== undefined } : undefined;
}

/** A manager's reminder of a period's non-responders: `rmd:<first day>:<last day>`, re-read from the store on click. */
export function encodeRemind(period: { first: string; last: string }): string {
  return `rmd:${period.first}:${period.last}`;
}

const RemindPeriod = z.object({ first: z.iso.date(), last: z.iso.date() }).refine((p) => p.first <= p.last);

export function decodeRemind(value: unknown): { first: string; last: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^rmd:([\d-]{10}):([\d-]{10})$/.exec(value);
  const parsed = match && RemindPeriod.safeParse({ first: match[1], last: match[2] });
  return parsed?.success ? parsed.data : undefined;
}

/** A manager's confirmation to erase a person: `fgt:<person id>`, checked again on click. */
export function encodeForget(personId: number): string {
  return `fgt:${personId}`;
}

export function decodeForget(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^fgt:(\d{1,12})$/.exec(value);
  return match ? Number(match[1]) : undefined;
}
