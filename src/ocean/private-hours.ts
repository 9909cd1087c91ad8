import { toOceanDateTime } from './dates';
import { OceanError } from './errors';
import * as S from './schemas';
import type { CallContext, OceanTransport } from './transport';

/* Ocean's private hours (`vieprivee/v1/horaires…`): a driver's recurring weeks and exceptional periods. */

export interface ExceptionalPeriodRequest {
  individuId: number;
  description: string;
  from: Date;
  to: Date;
  extensionIdToUpdate?: number;
}

export class OceanPrivateHours {
  constructor(private readonly transport: OceanTransport) {}

  /** A 404 or an empty body is a driver without recurring hours. */
  recurringSchedules(individuId: number, context: CallContext = {}): Promise<S.ScheduleAssignment[]> {
    return this.transport.call({
      method: 'GET',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId },
      schema: S.RecurringSchedulesResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: [],
    });
  }

  /**
   * Posts a week of slots. Whether Ocean merges them into the schedule in force or replaces it
   * is undocumented (REFERENCE §5), so this is never repeated after it may have reached Ocean:
   * under merging, a second copy would double the week.
   */
  async saveRecurringSchedules(individuId: number, body: S.InnerMapBody, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<void> {
    const endpoint = 'vieprivee/v1/horairesViePriveeRecurrentesIndividu';
    const ok = await this.transport.call({
      method: 'POST',
      endpoint,
      query: { individuId, dateDebut: window.from && toOceanDateTime(window.from), dateFin: window.to && toOceanDateTime(window.to) },
      body: S.InnerMapBody.parse(body),
      schema: S.ScheduleSaveAnswer,
      idempotent: false,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  /** `horaireIndividuIds` is typed as one int64: one assignment id per DELETE. */
  async deleteRecurringSchedule(individuId: number, horaireIndividuId: number, context: CallContext = {}): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeRecurrentesIndividu',
      query: { individuId, horaireIndividuIds: horaireIndividuId },
      schema: S.EmptyResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }

  exceptionalPeriods(individuId: number, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<S.ExceptionalPeriod[]> {
    const from = window.from && toOceanDateTime(window.from);
    const to = window.to && toOceanDateTime(window.to);
    return this.transport.call({
      method: 'GET',
      endpoint: 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu',
      // The EN page names them startDate/endDate, the FR page dateDebut/dateFin: send both.
      query: { individuId, dateDebut: from, dateFin: to, startDate: from, endDate: to },
      schema: S.ExceptionalPeriodsResponse,
      idempotent: true,
      requestId: context.requestId,
      nothing: [],
    });
  }

  async saveExceptionalPeriod(request: ExceptionalPeriodRequest, context: CallContext = {}): Promise<void> {
    const endpoint = 'vieprivee/v1/horaireViePriveeExceptionnelleIndividu';
    const ok = await this.transport.call({
      method: 'POST',
      endpoint, // singular on POST, plural on GET and DELETE (REFERENCE §6)
      query: {
        individuId: request.individuId,
        description: request.description,
        dateDebut: toOceanDateTime(request.from),
        dateFin: toOceanDateTime(request.to),
        extensionIdToUpdate: request.extensionIdToUpdate,
      },
      schema: S.ScheduleSaveAnswer,
      // A repeated creation would create a second period; an update is safe to repeat.
      idempotent: request.extensionIdToUpdate !== undefined,
      requestId: context.requestId,
    });
    if (!ok) throw new OceanError({ kind: 'invalidInput', endpoint, status: 200, oceanMessage: 'Ocean answered false' });
  }

  /** One extension id per DELETE, like the recurring one. */
  async deleteExceptionalPeriod(horaireExtensionId: number, context: CallContext = {}): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      endpoint: 'vieprivee/v1/horairesViePriveeExceptionnellesIndividu',
      query: { horaireExtensionIds: horaireExtensionId },
      schema: S.EmptyResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }
}
