import type { Log } from '../../log';
import { type OceanClient, OceanError } from '../../ocean';
import type { CallContext } from '../../ocean/client';
import { addDays, type IsoDay, localRangeBounds } from '../../ocean/dates';
import type { AnalysisRequest, AnalysisResult } from '../../ocean/schemas';

/** A refused period is not cut below this: a shorter refusal is not about the length. */
export const MIN_SPLIT_DAYS = 28;

export interface AnalysisQuery {
  first: IsoDay;
  last: IsoDay;
  renderMode: AnalysisRequest['renderMode'];
  filter?: { vehicleIds?: number[]; persons?: number[] };
}

/**
 * Ocean's private-use analysis over a period of any length, as consecutive pieces. Ocean
 * refuses a period longer than its maximum with a 400 (its wording and the maximum itself are
 * undocumented): the refused piece is cut in two, down to MIN_SPLIT_DAYS, and the length that
 * was then accepted is remembered, so the next long report goes straight to pieces of that size.
 */
export class AnalysisPeriods {
  private maxDays: number | undefined;

  constructor(
    private readonly ocean: OceanClient,
    private readonly zone: string,
    private readonly logger?: Log,
  ) {}

  /** The analysis of each piece of the period, in order. */
  async fetch(query: AnalysisQuery, context: CallContext = {}): Promise<AnalysisResult[][]> {
    const pieces: AnalysisResult[][] = [];
    let span = this.maxDays;
    let refused = false;
    let from = query.first;
    while (from <= query.last) {
      const to = span === undefined ? query.last : minDay(addDays(from, span - 1), query.last);
      try {
        pieces.push(await this.call(query, from, to, context));
      } catch (error) {
        const days = daysFrom(from, to);
        if (!(error instanceof OceanError && error.kind === 'invalidInput') || days <= MIN_SPLIT_DAYS) throw error;
        span = Math.max(MIN_SPLIT_DAYS, Math.ceil(days / 2));
        refused = true;
        continue;
      }
      if (refused && span !== undefined && span !== this.maxDays) {
        this.maxDays = span;
        this.logger?.info({ days: span }, 'Ocean refused a longer analysis: long periods are asked in pieces of this many days');
      }
      from = addDays(to, 1);
    }
    return pieces;
  }

  private call(query: AnalysisQuery, first: IsoDay, last: IsoDay, context: CallContext): Promise<AnalysisResult[]> {
    const { start, end } = localRangeBounds(first, last, this.zone);
    return this.ocean.privacyAnalysis(
      {
        ...(query.filter ? { filter: query.filter } : {}),
        renderMode: query.renderMode,
        criteria: 'ALL',
        periode: { debut: start.toISOString(), fin: end.toISOString() },
      },
      context,
    );
  }
}

function minDay(a: IsoDay, b: IsoDay): IsoDay {
  return a < b ? a : b;
}

/** Days from `first` to `last`, both included. */
export function daysFrom(first: IsoDay, last: IsoDay): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1;
}
