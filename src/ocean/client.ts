import { OceanAnalysis } from './analysis';
import { OceanAuth } from './auth';
import type { IsoDay } from './dates';
import { OceanDirectoryApi } from './directory';
import { type ExceptionalPeriodRequest, OceanPrivateHours } from './private-hours';
import type * as S from './schemas';
import { type CallContext, type OceanClientOptions, OceanTransport } from './transport';
import { CODE_EXPLOITANT_HINT, OceanTrips, type TimedRow, type TripPrivacyRequest } from './trips';

export { PASSWORD_WARNING_DAYS } from './auth';
export type { ExceptionalPeriodRequest } from './private-hours';
export type { CallContext, OceanCallEvent, OceanClientOptions, RetrySettings } from './transport';
export type { TimedRow, TripPrivacyRequest } from './trips';

/**
 * The typed Ocean REST client: one method per endpoint we use, one keep-alive pool, a
 * timeout on every attempt, retries with backoff that honour `Retry-After`, a concurrency
 * limit, and the session token kept out of every log and error.
 *
 * The calls live by Ocean area — auth.ts (login, password expiry), directory.ts (drivers,
 * vehicles, assignments), trips.ts (daily record, retroactive marking), private-hours.ts
 * (recurring and exceptional hours), analysis.ts — over one transport (transport.ts): this
 * class is the one door the rest of the service uses.
 */
export class OceanClient {
  private readonly transport: OceanTransport;
  private readonly auth: OceanAuth;
  private readonly directory: OceanDirectoryApi;
  private readonly trips: OceanTrips;
  private readonly hours: OceanPrivateHours;
  private readonly analysis: OceanAnalysis;

  constructor(options: OceanClientOptions) {
    this.transport = new OceanTransport(options, async () => (await this.auth.loginRequest()).token);
    this.auth = new OceanAuth(this.transport, options);
    this.directory = new OceanDirectoryApi(this.transport);
    this.trips = new OceanTrips(this.transport, options);
    this.hours = new OceanPrivateHours(this.transport);
    this.analysis = new OceanAnalysis(this.transport);
  }

  /** Days left on the API password at the last login; null when Ocean did not say. */
  get passwordDaysLeft(): number | null {
    return this.auth.passwordDaysLeft;
  }

  /** A retroactive request was refused (400/403) while no codeExploitant is configured. */
  get codeExploitantSuspected(): boolean {
    return this.trips.codeExploitantSuspected;
  }

  /** How many logins this client has made (for tests and metrics). */
  get loginCount(): number {
    return this.transport.session.logins;
  }

  /** Requests waiting for a free slot under the concurrency limit. */
  get inFlight(): number {
    return this.transport.inFlight;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** Logs in now and keeps the new token for the calls that follow. */
  authenticate(): Promise<S.LoginResponse> {
    return this.auth.authenticate();
  }

  /** What the operator should act on, in plain words (the /readyz detail). */
  operatorNotes(): string[] {
    const notes = this.auth.operatorNotes();
    if (this.trips.codeExploitantSuspected) notes.push(CODE_EXPLOITANT_HINT);
    return notes;
  }

  listIndividus(criteria?: S.IndividusCriteria): Promise<S.IndividuEntry[]> {
    return this.directory.listIndividus(criteria);
  }

  listVehicles(immatriculation?: string): Promise<S.VehicleEntry[]> {
    return this.directory.listVehicles(immatriculation);
  }

  /** `affectations_chauffeurs/get`: one dated driver<->vehicle assignment by its id. */
  assignment(idAffectation: number, context: CallContext = {}): Promise<S.DriverAssignment | null> {
    return this.directory.assignment(idAffectation, context);
  }

  /** `affectations_chauffeurs/historique`: the dated assignments of a vehicle and/or a driver. */
  assignmentHistory(filter: { vehicleId?: number; individuId?: number }, context: CallContext = {}): Promise<S.DriverAssignment[]> {
    return this.directory.assignmentHistory(filter, context);
  }

  /** One `ficheJour`: the rows Ocean files under that (UTC) date; a 404 or an empty body is a day without rows. */
  dailyRecord(vehId: number, date: IsoDay, context: CallContext = {}): Promise<TimedRow[]> {
    return this.trips.dailyRecord(vehId, date, context);
  }

  /** The rows of a vehicle that start within the fleet's local day (see trips.ts). */
  dailyRecordForLocalDay(vehId: number, day: IsoDay, zone: string, context: CallContext = {}): Promise<TimedRow[]> {
    return this.trips.dailyRecordForLocalDay(vehId, day, zone, context);
  }

  /** Retroactively marks a trip private (`privacy=true`) or professional (see trips.ts). */
  markTrip(request: TripPrivacyRequest): Promise<void> {
    return this.trips.markTrip(request);
  }

  /** A 404 or an empty body is a driver without recurring hours. */
  recurringSchedules(individuId: number, context: CallContext = {}): Promise<S.ScheduleAssignment[]> {
    return this.hours.recurringSchedules(individuId, context);
  }

  /** Posts a week of slots; never repeated after it may have reached Ocean (see private-hours.ts). */
  saveRecurringSchedules(individuId: number, body: S.InnerMapBody, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<void> {
    return this.hours.saveRecurringSchedules(individuId, body, window, context);
  }

  /** `horaireIndividuIds` is typed as one int64: one assignment id per DELETE. */
  deleteRecurringSchedule(individuId: number, horaireIndividuId: number, context: CallContext = {}): Promise<void> {
    return this.hours.deleteRecurringSchedule(individuId, horaireIndividuId, context);
  }

  exceptionalPeriods(individuId: number, window: { from?: Date; to?: Date } = {}, context: CallContext = {}): Promise<S.ExceptionalPeriod[]> {
    return this.hours.exceptionalPeriods(individuId, window, context);
  }

  saveExceptionalPeriod(request: ExceptionalPeriodRequest, context: CallContext = {}): Promise<void> {
    return this.hours.saveExceptionalPeriod(request, context);
  }

  /** One extension id per DELETE, like the recurring one. */
  deleteExceptionalPeriod(horaireExtensionId: number, context: CallContext = {}): Promise<void> {
    return this.hours.deleteExceptionalPeriod(horaireExtensionId, context);
  }

  /** The analysis, with its body in the documented form: unwanted filters left out, never sent as `[0]`. */
  privacyAnalysis(request: S.AnalysisRequest, context: CallContext = {}): Promise<S.AnalysisResult[]> {
    return this.analysis.privacyAnalysis(request, context);
  }
}
