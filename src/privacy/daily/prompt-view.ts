import type { Translator } from '../../i18n';
import type { DailyPromptRow, TripAnswerRow } from '../../store';
import { encodeAcceptSuggestions, encodeAnswer, encodePage } from '../../views/payloads';
import { ACTION_IDS, type Block, type View } from '../../views/views';
import { promptTrips, type Trip } from '../trips';
import { isUnconfirmed } from './answer-status';
import type { Deadline } from './answer-window';
import { shownDistances } from './day-distances';
import type { Suggestion } from './suggestion-rule';

/** Trips shown in one message: each takes two blocks, and Block Kit allows 50 a message. */
export const MAX_TRIPS_PER_MESSAGE = 20;

export interface PromptViewOptions {
  zone: string;
  reminder?: boolean;
  /** Which page of a long day to show (MAX_TRIPS_PER_MESSAGE trips a page). */
  page?: number;
  /** Until when the day can be answered; once closed, no button is left to click. */
  deadline?: Deadline;
  /** Suggestions from the driver's own answers, by trip id (see suggestions.ts); shown on trips without an answer. */
  suggestions?: ReadonlyMap<number, Suggestion>;
  /** The trips already private by the driver's private hours unfolded (those with an answer always are). */
  hours?: boolean;
}

export function pageOfTrip(index: number): number {
  return Math.floor(index / MAX_TRIPS_PER_MESSAGE);
}

/** The daily prompt as the driver sees it, with the state of each answer. */
export function promptView(prompt: DailyPromptRow, answers: TripAnswerRow[], t: Translator, options: PromptViewOptions): View {
  const { asked, alreadyPrivate, privateTrips } = promptTrips(prompt);
  const day = t.longDay(prompt.day, options.zone);
  const latest = new Map(answers.map((a) => [a.trip_id, a]));
  const blocks: Block[] = [];
  const closed = options.deadline?.closed ?? false;
  const until = options.deadline && t.longDay(options.deadline.lastDay, options.zone);
  if (options.reminder && !closed) blocks.push({ type: 'text', text: t.t('prompt.reminder', { day }), tone: 'warning' });
  const allAnswered = asked.length > 0 && asked.every((trip) => latest.has(trip.id));
  blocks.push({
    type: 'text',
    text: allAnswered ? t.t('prompt.allAnswered', { day }) : t.t('prompt.intro', { count: asked.length }),
    tone: allAnswered ? 'success' : 'normal',
  });
  if (until)
    blocks.push(
      closed
        ? { type: 'text', text: t.t('prompt.closed', { until }), tone: 'warning' }
        : { type: 'text', text: t.t('prompt.deadline', { until }), tone: 'muted' },
    );
  const pages = Math.max(1, Math.ceil(asked.length / MAX_TRIPS_PER_MESSAGE));
  const page = Math.min(Math.max(0, options.page ?? 0), pages - 1);
  const first = page * MAX_TRIPS_PER_MESSAGE;
  // Over the whole day, every page: the lines add up to the day's kilometres in the report.
  const distances = shownDistances(asked.map((trip) => trip.distanceMeter));
  let suggestedOnPage = 0;
  asked.slice(first, first + MAX_TRIPS_PER_MESSAGE).forEach((trip, offset) => {
    const index = first + offset;
    const answer = latest.get(trip.id);
    const suggestion = !answer && !closed ? options.suggestions?.get(trip.id) : undefined;
    if (suggestion) suggestedOnPage += 1;
    const status = suggestion
      ? { status: t.t('prompt.suggestion', { reason: suggestionReason(suggestion, t) }), tone: 'muted' as const }
      : answer || !closed
        ? answerStatus(answer, t, options.zone)
        : { status: t.t('prompt.closedTrip'), tone: 'muted' as const };
    const line = tripLine(trip, distances[index] ?? trip.distanceMeter, t, options.zone);
    blocks.push({
      type: 'item',
      text: line,
      ...status,
      actions: closed
        ? []
        : [
            {
              actionId: ACTION_IDS.answer,
              label: t.t('common.private'),
              value: encodeAnswer({ promptId: prompt.id, trip: index, choice: 'private' }),
              style: answer?.choice === 'private' ? 'primary' : undefined,
            },
            {
              actionId: ACTION_IDS.answer,
              label: t.t('common.professional'),
              value: encodeAnswer({ promptId: prompt.id, trip: index, choice: 'professional' }),
              style: answer?.choice === 'professional' ? 'primary' : undefined,
            },
          ],
    });
  });
  if (pages > 1) {
    // A long day is paged: each page stays within Block Kit's 50 blocks and Teams' card size.
    blocks.push({ type: 'text', text: t.t('common.page', { page: page + 1, pages }), tone: 'muted' });
    const nav = [];
    if (page > 0) nav.push({ actionId: ACTION_IDS.page, label: t.t('common.previous'), value: encodePage(prompt.id, page - 1) });
    if (page < pages - 1) nav.push({ actionId: ACTION_IDS.page, label: t.t('common.next'), value: encodePage(prompt.id, page + 1) });
    blocks.push({ type: 'actions', actions: nav });
  }
  // One tap answers every suggested trip of this page; trips without a suggestion stay open.
  const accept =
    suggestedOnPage > 0
      ? [
          {
            actionId: ACTION_IDS.acceptSuggestions,
            label: t.t('prompt.acceptSuggestions'),
            value: encodeAcceptSuggestions(prompt.id, page),
            style: 'primary' as const,
          },
        ]
      : [];
  if (asked.length > 1 && !closed) {
    blocks.push({
      type: 'actions',
      actions: [
        ...accept,
        {
          actionId: ACTION_IDS.answer,
          label: t.t('prompt.allProfessional'),
          value: encodeAnswer({ promptId: prompt.id, trip: 'all', choice: 'professional' }),
        },
        { actionId: ACTION_IDS.answer, label: t.t('prompt.allPrivate'), value: encodeAnswer({ promptId: prompt.id, trip: 'all', choice: 'private' }) },
      ],
    });
  } else if (accept.length) blocks.push({ type: 'actions', actions: accept });
  if (alreadyPrivate > 0) blocks.push(...hoursBlocks(prompt, privateTrips, alreadyPrivate, latest, t, options, page, closed));
  return { summary: t.t('prompt.title', { day }), title: t.t('prompt.title', { day }), blocks };
}

/**
 * The trips the driver's private hours already count as private: one line saying how many,
 * folded; unfolded (or once one has an answer), each with the button that marks it the other way.
 */
function hoursBlocks(
  prompt: DailyPromptRow,
  trips: readonly Trip[],
  count: number,
  latest: ReadonlyMap<number, TripAnswerRow>,
  t: Translator,
  options: PromptViewOptions,
  page: number,
  closed: boolean,
): Block[] {
  const blocks: Block[] = [{ type: 'text', text: t.t('prompt.alreadyPrivate', { count }), tone: 'muted' }];
  // Prompts sent before the trips were kept only know how many there were.
  if (!trips.length) return blocks;
  const unfolded = options.hours || trips.some((trip) => latest.has(trip.id));
  const distances = shownDistances(trips.map((trip) => trip.distanceMeter));
  if (unfolded)
    trips.forEach((trip, index) => {
      const answer = latest.get(trip.id);
      const choice = answer?.choice ?? 'private';
      const other = choice === 'private' ? 'professional' : 'private';
      blocks.push({
        type: 'item',
        text: tripLine(trip, distances[index] ?? trip.distanceMeter, t, options.zone),
        ...(answer ? answerStatus(answer, t, options.zone) : { status: t.t('prompt.privateByHours'), tone: 'muted' as const }),
        actions: closed
          ? []
          : [
              {
                actionId: ACTION_IDS.answer,
                label: t.t(other === 'private' ? 'prompt.markPrivate' : 'prompt.markProfessional'),
                value: encodeAnswer({ promptId: prompt.id, trip: index, hours: true, choice: other }),
              },
            ],
      });
    });
  if (!trips.some((trip) => latest.has(trip.id)))
    blocks.push({
      type: 'actions',
      actions: [
        unfolded
          ? { actionId: ACTION_IDS.page, label: t.t('prompt.hideHours'), value: encodePage(prompt.id, page) }
          : { actionId: ACTION_IDS.page, label: t.t('prompt.showHours', { count }), value: encodePage(prompt.id, page, true) },
      ],
    });
  return blocks;
}

/** One trip as the driver reads it: times, towns, distance (as the day's lines show it), duration. */
export function tripLine(trip: Trip, shownMeters: number, t: Translator, zone: string): string {
  return t.t('prompt.trip', {
    start: trip.start ? t.time(new Date(trip.start), zone) : '?',
    end: trip.end ? t.time(new Date(trip.end), zone) : '?',
    from: trip.fromTown ?? t.t('prompt.unknownTown'),
    to: trip.toTown ?? t.t('prompt.unknownTown'),
    distance: t.km(shownMeters),
    duration: t.duration(trip.durationSec),
  });
}

/** Why a trip is suggested, in the driver's words: "privé les 3 dernières fois, Lyon → Écully". */
export function suggestionReason(suggestion: Suggestion, t: Translator): string {
  const choice = t.t(suggestion.choice === 'private' ? 'prompt.suggestedPrivate' : 'prompt.suggestedProfessional');
  return t.t('prompt.suggestionReason', { choice, count: suggestion.count, from: suggestion.fromTown, to: suggestion.toTown });
}

function answerStatus(
  answer: TripAnswerRow | undefined,
  t: Translator,
  zone: string,
): { status?: string; tone?: Block extends never ? never : 'muted' | 'success' | 'error' } {
  if (!answer) return {};
  const choice = t.t(answer.choice === 'private' ? 'common.private' : 'common.professional');
  if (isUnconfirmed(answer)) return { status: t.t('common.notSaved', { choice }), tone: 'error' };
  if (answer.status === 'refused') return { status: t.t('common.refused', { choice, reason: answer.last_error ?? '' }), tone: 'error' };
  if (answer.status === 'delivered' || answer.delivered_at)
    return { status: t.t('common.recordedAt', { choice, time: t.time(answer.delivered_at ?? answer.answered_at, zone) }), tone: 'success' };
  return { status: `${choice} — ${t.t('common.saving')}`, tone: 'muted' };
}
