import { type Clock, systemClock } from '../../clock';
import type { OceanClient, TimedRow } from '../../ocean';
import type { CallContext } from '../../ocean/client';
import { type IsoDay, localDayBounds } from '../../ocean/dates';
import type { DriverAssignment } from '../../ocean/schemas';
import type { Driver, DriverVehicle, OceanDirectory } from '../directory';
import { PrivateHours } from './hours';
import type { Trip } from './trip';

export type { Trip };

export interface DriverDay {
  day: IsoDay;
  /** Trips to ask about. */
  trips: Trip[];
  /** Trips inside private hours: already private, mentioned but not asked. */
  alreadyPrivate: Trip[];
}

/** A vehicle's dated assignments, or null when Ocean gave none (then trips are matched by name). */
type Assignments = { from: number; to: number; individuId: number }[] | null;

/** How long a vehicle's assignment history is kept: every driver of a shared vehicle reads it in one daily run. */
const ASSIGNMENTS_TTL_MS = 10 * 60_000;

/**
 * Which trips a driver had on a day: the rows of each of their vehicles that start within the
 * fleet's day (vehicles with private mode off have nothing to declare), on a shared vehicle
 * only the rows Ocean's dated assignments give them (or, without assignments, the rows with
 * their name), minus the trips inside their private hours.
 */
export class TripsService {
  private readonly assignmentCache = new Map<number, { at: number; value: Promise<Assignments> }>();

  constructor(
    private readonly ocean: OceanClient,
    private readonly directory: OceanDirectory,
    private readonly zone: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async privateHours(individuId: number, around?: { from: Date; to: Date }, context: CallContext = {}): Promise<PrivateHours> {
    const [recurring, exceptional] = await Promise.all([
      this.ocean.recurringSchedules(individuId, context),
      this.ocean.exceptionalPeriods(individuId, around ?? {}, context),
    ]);
    return PrivateHours.fromOcean(recurring, exceptional);
  }

  async driverDay(driver: Driver, day: IsoDay, context: CallContext = {}): Promise<DriverDay> {
    const trips: Trip[] = [];
    for (const vehicle of driver.vehicles) {
      if (!vehicle.privateMode) continue;
      const rows = await this.ocean.dailyRecordForLocalDay(vehicle.id, day, this.zone, context);
      const shared = ((await this.directory.vehicle(vehicle.id))?.driverIds.length ?? 1) > 1;
      const assignments = shared ? await this.assignments(vehicle.id, context) : null;
      for (const row of rows) {
        if (!isTrip(row)) continue;
        if (shared && !drivenBy(row, driver, assignments)) continue;
        trips.push(toTrip(row, vehicle));
      }
    }
    trips.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.id - b.id);
    if (!trips.length) return { day, trips, alreadyPrivate: [] };
    const bounds = localDayBounds(day, this.zone);
    const hours = await this.privateHours(driver.individuId, { from: bounds.start, to: bounds.end }, context);
    const asked: Trip[] = [];
    const alreadyPrivate: Trip[] = [];
    for (const trip of trips) {
      const inside = trip.start && trip.end && hours.containsTrip(new Date(trip.start), new Date(trip.end), this.zone);
      (inside ? alreadyPrivate : asked).push(trip);
    }
    return { day, trips: asked, alreadyPrivate };
  }

  /** A vehicle's dated assignments, read once for all its drivers; null when Ocean has none or does not answer. */
  private assignments(vehicleId: number, context: CallContext): Promise<Assignments> {
    const now = this.clock.now().getTime();
    const cached = this.assignmentCache.get(vehicleId);
    if (cached && now - cached.at < ASSIGNMENTS_TTL_MS) return cached.value;
    const value = this.ocean.assignmentHistory({ vehicleId }, context).then(
      (history) => readAssignments(history, vehicleId),
      () => null,
    );
    if (this.assignmentCache.size > 10_000) this.assignmentCache.clear();
    this.assignmentCache.set(vehicleId, { at: now, value });
    return value;
  }
}

function readAssignments(history: DriverAssignment[], vehicleId: number): Assignments {
  const spans = [];
  for (const entry of history) {
    const link = entry.chauffeurVehicule;
    const individuId = link.idIndividu ?? entry.chauffeur?.id;
    const vehicle = link.idVehicule ?? entry.vehicule?.id;
    if (individuId == null || !link.dateDebut || (vehicle != null && vehicle !== vehicleId)) continue;
    spans.push({ from: link.dateDebut.getTime(), to: link.dateFin?.getTime() ?? Number.POSITIVE_INFINITY, individuId });
  }
  return spans.length ? spans : null;
}

/** Rows typed `T` are trips; the docs show no other value, a missing type is read as a trip. */
function isTrip(row: TimedRow): boolean {
  return row.type === undefined || row.type === null || row.type === 'T';
}

/** The assignment in force when the trip started says who drove; without one, the row's driver name does. */
function drivenBy(row: TimedRow, driver: Driver, assignments: Assignments): boolean {
  const at = row.startAt?.getTime();
  const assigned = at === undefined ? undefined : assignments?.find((a) => a.from <= at && at < a.to);
  if (assigned) return assigned.individuId === driver.individuId;
  const who = row.posDeb?.driver;
  if (!who) return false;
  if (who.matricule && driver.matricule) return who.matricule === driver.matricule;
  const same = (a?: string | null, b?: string | null) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
  return same(who.nom, driver.lastName) && same(who.prenom, driver.firstName);
}

function toTrip(row: TimedRow, vehicle: DriverVehicle): Trip {
  const start = row.startAt;
  let end = row.endAt;
  const durationSec = row.dureeMs != null ? Math.round(row.dureeMs / 1000) : start && end ? Math.round((end.getTime() - start.getTime()) / 1000) : 0;
  if (!end && start) end = new Date(start.getTime() + durationSec * 1000);
  return {
    id: row.id,
    vehicleId: vehicle.id,
    numeroEmbarque: vehicle.numeroEmbarque,
    start: start?.toISOString() ?? null,
    end: end?.toISOString() ?? null,
    fromTown: row.posDeb?.fullAddress?.town ?? null,
    toTown: row.posFin?.fullAddress?.town ?? null,
    distanceMeter: row.distanceMeter ?? 0,
    durationSec,
  };
}
