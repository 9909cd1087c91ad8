import { type IsoDay, localDayBounds, toOceanDate, utcDatesOfLocalDay } from './dates';
import { OceanError } from './errors';
import * as S from './schemas';
import type { CallContext, OceanClientOptions, OceanTransport } from './transport';
import { readPositionInstant, type TripTimes } from './trip-times';

/* Ocean's trips: a vehicle's daily record (`ficheJour`) and the retroactive marking of a trip. */

/** A daily-record row with its start and end read as instants (null when unreadable). */
export type TimedRow = S.DailyRecordRow & { startAt: Date | null; endAt: Date | null };

export interface TripPrivacyRequest {
  idEtape: number;
  numeroEmbarque: number;
  /** The client's OCEAN_CODE_EXPLOITANT when not given. */
  codeExploitant?: string | number | null;
  /** true: the trip was private; false: professional. */
  privacy: boolean;
}

export const CODE_EXPLOITANT_HINT =
  "Ocean refused a retroactive request and OCEAN_CODE_EXPLOITANT is not set: Ocean may need the customer's operator code (codeExploitant)";

export class OceanTrips {
  private readonly tripTimes: TripTimes;
  /** A retroactive request was refused (400/403) while no codeExploitant is configured. */
  codeExploitantSuspected = false;

  constructor(
    private readonly transport: OceanTransport,
    private readonly options: OceanClientOptions,
  ) {
    this.tripTimes = options.tripTimes ?? { reading: 'utc', fleetZone: 'UTC' };
  }

  /** One `ficheJour`: the rows Ocean files under that (UTC) date; a 404 or an empty body is a day without rows. */
  async dailyRecord(vehId: number, date: IsoDay, context: CallContext = {}): Promise<TimedRow[]> {
    const response = await this.transport.call({
      method: 'GET',
      endpoint: 'mobility/v1/ficheJour',
      query: { vehId, date: toOceanDate(date) },
      schema: S.DailyRecordResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: { fjRows: [] },
    });
    return (response?.fjRows ?? []).map((row) => ({
      ...row,
      startAt: readPositionInstant(row.posDeb, this.tripTimes),
      endAt: readPositionInstant(row.posFin, this.tripTimes),
    }));
  }

  /**
   * The rows of a vehicle that start within the fleet's local day. `ficheJour`'s date is
   * documented as UTC, so each UTC date the day touches is read; a row seen under both dates
   * counts once. Under either reading of that date (UTC or local), no row is lost or doubled.
   */
  async dailyRecordForLocalDay(vehId: number, day: IsoDay, zone: string, context: CallContext = {}): Promise<TimedRow[]> {
    const { start, end } = localDayBounds(day, zone);
    const rows = new Map<number, TimedRow>();
    for (const date of utcDatesOfLocalDay(day, zone)) {
      for (const row of await this.dailyRecord(vehId, date, context)) {
        // A row without a readable start cannot be placed: only the date named like the day keeps it.
        const inDay = row.startAt ? row.startAt >= start && row.startAt < end : date === day;
        if (inDay && !rows.has(row.id)) rows.set(row.id, row);
      }
    }
    return [...rows.values()];
  }

  /**
   * Retroactively marks a trip private (`privacy=true`) or professional. Setting a state twice is
   * harmless, so a timeout is retried; an HTTP 200 never is. Only a documented `true` succeeds:
   * `false` is a refusal (`invalidInput`), any other body a `badResponse`.
   */
  async markTrip(request: TripPrivacyRequest): Promise<void> {
    const endpoint = 'vieprivee/v1/etapeViePriveePosteriori';
    const codeExploitant = request.codeExploitant ?? this.options.codeExploitant;
    let ok: boolean;
    try {
      ok = await this.transport.call({
        method: 'POST',
        endpoint,
        query: { idEtape: request.idEtape, numeroEmbarque: request.numeroEmbarque, codeExploitant, privacy: request.privacy },
        schema: S.RetroactiveAnswer,
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof OceanError && (error.status === 400 || error.status === 403) && (codeExploitant === undefined || codeExploitant === null)) {
        if (!this.codeExploitantSuspected) this.options.logger?.warn({ endpoint, status: error.status }, CODE_EXPLOITANT_HINT);
        this.codeExploitantSuspected = true;
      }
      throw error;
    }
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
    // Taken without a code: Ocean does not need one, whatever refused an earlier request.
    if (codeExploitant === undefined || codeExploitant === null) this.codeExploitantSuspected = false;
  }
}
